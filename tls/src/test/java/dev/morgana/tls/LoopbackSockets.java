package dev.morgana.tls;

import dev.morgana.tcpip.socket.SocketStackV4;
import dev.morgana.types.Console;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.SelectableTcpv4;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The appliance's own kernel-socket stack ({@code NET=socket}) bound to 127.0.0.1, the TCP the
 * TLS tests run over. It reports accept and handler failures on its console; {@link #logged}
 * keeps those lines, so a test can assert that no handler threw.
 */
final class LoopbackSockets implements AutoCloseable {

    /** Every line the stack logged: a handler that threw shows up here. */
    final List<String> logged = new CopyOnWriteArrayList<>();
    private final SocketStackV4 stack = new SocketStackV4(Console.of("test", logged::add), Ipv4Address.parse("127.0.0.1"));

    /** TCP on loopback; also {@link SelectableTcpv4}, to accept a single connection by hand. */
    SelectableTcpv4 tcp() {
        return (SelectableTcpv4) stack.tcpv4();
    }

    @Override
    public void close() {
        stack.close();
    }
}
