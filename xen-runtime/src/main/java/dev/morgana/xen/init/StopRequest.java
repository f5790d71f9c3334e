package dev.morgana.xen.init;

import java.io.IOException;

/**
 * The VM's poweroff command (run by the kernel on {@code xl shutdown}): sends SIGTERM to PID 1,
 * the appliance, which then stops gracefully.
 */
public final class StopRequest {

    private static final int SIGTERM = 15;

    private StopRequest() {}

    public static void main(String[] args) {
        terminate(1);
    }

    /** kill(pid, SIGTERM). */
    static void terminate(long pid) {
        try {
            Linux.kill(pid, SIGTERM);
        } catch (IOException e) {
            System.out.println("morgana: could not stop pid " + pid + ": " + e.getMessage());
        }
    }
}
