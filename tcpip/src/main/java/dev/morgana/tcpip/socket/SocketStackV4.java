package dev.morgana.tcpip.socket;

import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.StackV4;
import dev.morgana.types.Tcpv4;
import dev.morgana.types.Udpv4;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The kernel's TCP/IP stack behind {@link StackV4} (Mirage's {@code socket_stackv4}): what a
 * Unix or Docker appliance uses with {@code NET=socket}. Needs no privileges.
 */
public final class SocketStackV4 implements StackV4 {

    private final Ipv4Address bindAddress;
    private final SocketTcpv4 tcp;
    private final SocketUdpv4 udp;

    /**
     * @param console where accept and handler failures are reported
     * @param bindAddress the local address to listen on; {@link Ipv4Address#ANY} for all
     */
    public SocketStackV4(Console console, Ipv4Address bindAddress) {
        this.bindAddress = bindAddress;
        InetAddress inet;
        try {
            inet = InetAddress.getByAddress(bindAddress.toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes always make an address", e);
        }
        this.tcp = new SocketTcpv4(console, inet);
        this.udp = new SocketUdpv4(console, inet);
    }

    @Override
    public Tcpv4 tcpv4() {
        return tcp;
    }

    @Override
    public Udpv4 udpv4() {
        return udp;
    }

    @Override
    public List<Ipv4Address> addresses() {
        return List.of(bindAddress);
    }

    @Override
    public String name() {
        return "socket-stack(" + bindAddress + ")";
    }

    @Override
    public void close() {
        tcp.closeAll();
        udp.closeAll();
    }
}
