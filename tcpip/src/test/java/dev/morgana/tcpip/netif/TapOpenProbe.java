package dev.morgana.tcpip.netif;

import java.io.IOException;

/** Run as another user by {@link TapNetworkTest}: tries to open a TAP and prints the outcome. */
public final class TapOpenProbe {

    private TapOpenProbe() {}

    public static void main(String[] args) {
        try (TapNetwork tap = TapNetwork.open(args[0])) {
            System.out.println("opened " + tap.name());
        } catch (IOException e) {
            System.out.println(e.getMessage());
        }
    }
}
