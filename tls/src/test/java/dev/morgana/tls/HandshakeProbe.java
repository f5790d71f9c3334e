package dev.morgana.tls;

import dev.morgana.types.Clock;
import dev.morgana.types.Flow;
import dev.morgana.types.Time;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A probe, not a test: the server's CPU time per full TLS handshake, measured in process, so
 * other processes' load does not count. Each handshake is a fresh {@link TlsFlow} from a
 * {@link TlsAcceptor} with the development certificate (ECDSA P-256, as {@code make bench-tls}
 * serves), against Bouncy Castle's client in memory offering what {@code openssl s_time -new}
 * offers (TLS 1.3, X25519, TLS_AES_128_GCM_SHA256); the client's own CPU time is measured around
 * each of its calls and subtracted. Run with {@code make bench-tls-handshake}, or with arguments
 * {@code [handshakes per round] [rounds] [threads]} (the first rounds warm the JIT up).
 */
public final class HandshakeProbe {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HandshakeProbe() {}

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("tls-probe");
        try (TlsAcceptor acceptor = acceptor(dir)) {
            System.out.printf("server CPU per full TLS 1.3 handshake (ECDSA P-256, X25519), %d thread(s):%n", threads);
            double best = Double.MAX_VALUE;
            for (int round = 1; round <= rounds; round++) {
                List<Thread> workers = new ArrayList<>();
                long[] serverNanos = new long[threads];
                for (int t = 0; t < threads; t++) {
                    int slot = t;
                    workers.add(Thread.ofPlatform().start(() -> serverNanos[slot] = run(acceptor, perRound)));
                }
                for (Thread worker : workers) {
                    worker.join();
                }
                long total = 0;
                for (long nanos : serverNanos) {
                    total += nanos;
                }
                double perHandshake = total / 1e3 / ((long) perRound * threads);
                System.out.printf("  round %d: %7.1f us of CPU per handshake (%d handshakes)%n",
                        round, perHandshake, (long) perRound * threads);
                if (round > 1) {
                    best = Math.min(best, perHandshake); // round 1 runs mostly interpreted
                }
            }
            // The least disturbed round: other processes inflate CPU time too (shared caches, SMT).
            System.out.printf("best round after the first: %.1f us of CPU per handshake%n", best);
        } finally {
            for (String name : new String[] {"cert.pem", "key.pem"}) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static TlsAcceptor acceptor(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        DevCertificate.generate(cert, key, Clock.system(), new SecureRandom());
        TlsConfig config = TlsConfig.fromPem(cert, key, Clock.system());
        return new TlsAcceptor(config, TlsEntropy.system(), Clock.system(), Time.system());
    }

    /** Runs {@code n} handshakes on this thread; returns the server's share of its CPU time. */
    private static long run(TlsAcceptor acceptor, int n) {
        long clientNanos = 0;
        long start = THREADS.getCurrentThreadCpuTime();
        try {
            for (int i = 0; i < n; i++) {
                ClientTransport transport = new ClientTransport();
                try (TlsFlow flow = acceptor.wrap(transport)) {
                    flow.handshake();
                }
                clientNanos += transport.clientNanos;
                if (!transport.client.isConnected() && !transport.clientDone) {
                    throw new IllegalStateException("the client did not complete its handshake");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return THREADS.getCurrentThreadCpuTime() - start - clientNanos;
    }

    /**
     * The server's transport: what the server writes goes straight into the client engine, and
     * reads return what the client has produced. The client starts by producing its ClientHello.
     */
    private static final class ClientTransport implements Flow {
        private static final SecureRandom CLIENT_RANDOM = new SecureRandom();
        final TlsClientProtocol client = new TlsClientProtocol();
        long clientNanos;
        boolean clientDone;

        ClientTransport() throws IOException {
            long start = THREADS.getCurrentThreadCpuTime();
            client.connect(new OpensslLikeClient());
            clientNanos += THREADS.getCurrentThreadCpuTime() - start;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int available = client.getAvailableOutputBytes();
            if (available == 0) {
                return -1;
            }
            int n = Math.min(available, dst.remaining());
            byte[] bytes = new byte[n];
            client.readOutput(bytes, 0, n);
            dst.put(bytes);
            return n;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            long start = THREADS.getCurrentThreadCpuTime();
            try {
                client.offerInput(bytes);
            } finally {
                clientNanos += THREADS.getCurrentThreadCpuTime() - start;
            }
            clientDone |= client.isConnected();
        }

        @Override
        public void shutdownOutput() {}

        @Override
        public void close() {}

        @Override
        public String remote() {
            return "in-memory client";
        }

        /** TLS 1.3 only, X25519, AES-128-GCM; accepts any server certificate (as s_time does). */
        private static final class OpensslLikeClient extends DefaultTlsClient {
            OpensslLikeClient() {
                super(new BcTlsCrypto(CLIENT_RANDOM));
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.TLSv13.only();
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256};
            }

            @Override
            protected Vector<Integer> getSupportedGroups(Vector namedGroupRoles) {
                Vector<Integer> groups = new Vector<>();
                groups.add(NamedGroup.x25519);
                return groups;
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new ServerOnlyTlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate serverCertificate) {}
                };
            }
        }
    }
}
