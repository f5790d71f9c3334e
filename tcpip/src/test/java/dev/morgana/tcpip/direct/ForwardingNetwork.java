package dev.morgana.tcpip.direct;

import dev.morgana.types.MacAddress;
import dev.morgana.types.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A {@link Network} that hands everything to another one; tests that watch or impair the traffic
 * override only the calls they change. Closing it closes the wrapped network. Test-only.
 */
abstract class ForwardingNetwork implements Network {

    final Network inner;

    ForwardingNetwork(Network inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public MacAddress mac() {
        return inner.mac();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public void send(ByteBuffer frame) throws IOException {
        inner.send(frame);
    }

    @Override
    public boolean receive(ByteBuffer dst, Duration timeout) throws IOException {
        return inner.receive(dst, timeout);
    }

    @Override
    public void close() {
        inner.close();
    }
}
