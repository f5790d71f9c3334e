package dev.morgana.http;

import dev.morgana.types.Flow;
import dev.morgana.types.Ipv4Address;
import dev.morgana.types.Tcpv4;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link Tcpv4} whose connections are in-memory {@link PipeFlow} pairs. */
final class FakeTcp implements Tcpv4 {

    private final AtomicReference<FlowHandler> handler = new AtomicReference<>();
    /** The server end of the last connection. */
    volatile PipeFlow lastServerEnd;

    @Override
    public Listener listen(int port, FlowHandler h) throws IOException {
        if (!handler.compareAndSet(null, h)) {
            throw new IOException("port " + port + " already bound");
        }
        return new Listener() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                handler.set(null);
            }
        };
    }

    /** A new connection to the listening handler; the server side runs on a virtual thread. */
    PipeFlow connect() throws IOException {
        FlowHandler h = handler.get();
        if (h == null) {
            throw new IOException("connection refused");
        }
        PipeFlow[] pair = PipeFlow.pair();
        lastServerEnd = pair[1];
        Thread.ofVirtual().start(() -> {
            try (Flow server = pair[1]) {
                h.handle(server);
            } catch (Exception e) {
                // the connection ends either way
            }
        });
        return pair[0];
    }

    @Override
    public Flow connect(Ipv4Address address, int port) throws IOException {
        return connect();
    }
}
