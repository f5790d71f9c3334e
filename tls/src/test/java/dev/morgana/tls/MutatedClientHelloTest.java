package dev.morgana.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.morgana.types.Clock;
import dev.morgana.types.Time;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand mutated ClientHellos, fed in random-sized pieces: each ends in an IOException
 * for its own flow (never an unchecked exception, never a hang), as bad input must.
 */
@Timeout(120)
class MutatedClientHelloTest {

    @TempDir
    Path dir;

    /** A real ClientHello (with SNI and ALPN) from Bouncy Castle's client, in non-blocking mode. */
    static byte[] clientHello() throws IOException {
        TlsClientProtocol client = new TlsClientProtocol();
        client.connect(new DefaultTlsClient(new BcTlsCrypto(new SecureRandom())) {
            @Override
            public TlsAuthentication getAuthentication() {
                throw new UnsupportedOperationException("never reached");
            }

            @Override
            protected java.util.Vector<ProtocolName> getProtocolNames() {
                return new java.util.Vector<>(List.of(ProtocolName.HTTP_1_1));
            }

            @Override
            protected java.util.Vector<org.bouncycastle.tls.ServerName> getSNIServerNames() {
                return new java.util.Vector<>(List.of(new org.bouncycastle.tls.ServerName(
                        org.bouncycastle.tls.NameType.host_name, "a.test".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
            }
        });
        byte[] hello = new byte[client.getAvailableOutputBytes()];
        client.readOutput(hello, 0, hello.length);
        return hello;
    }

    @Test
    void everyMutationFailsOnlyItsOwnFlowWithAnIOException() throws Exception {
        TestPki pki = new TestPki(dir);
        TestPki.Issued a = pki.issue("a", false, false, List.of("a.test"), List.of());
        TlsConfig config = TlsConfig.fromPem(a.chain(), a.key(), Clock.system()).withHandshakeTimeout(Duration.ofSeconds(30));
        byte[] hello = clientHello();
        assertTrue(hello.length > 100 && hello[0] == 0x16, "a handshake record");
        Random random = new Random(20261124);
        int answered = 0;
        try (TlsAcceptor acceptor = new TlsAcceptor(config, new SecureRandom(), Clock.system(), Time.system())) {
            for (int i = 0; i < 1000; i++) {
                byte[] mutated = mutate(hello, random);
                ScriptedFlow transport = new ScriptedFlow(mutated, 1 + random.nextInt(600));
                try (TlsFlow flow = acceptor.wrap(transport)) {
                    flow.handshake();
                    fail("a handshake cannot complete without the client's Finished");
                } catch (IOException expected) {
                    // bad input: the flow failed, cleanly
                } catch (RuntimeException e) {
                    throw new AssertionError("mutation " + i + " escaped as " + e, e);
                }
                if (transport.written.size() > 0) {
                    answered++;
                }
            }
            // The unmutated-enough hellos were answered (ServerHello or an alert).
            assertTrue(answered > 0, "some mutations still got an answer");
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] out;
        switch (random.nextInt(4)) {
            case 0 -> { // truncate
                out = java.util.Arrays.copyOf(original, random.nextInt(original.length));
            }
            case 1 -> { // append junk
                out = java.util.Arrays.copyOf(original, original.length + 1 + random.nextInt(64));
                for (int j = original.length; j < out.length; j++) {
                    out[j] = (byte) random.nextInt();
                }
            }
            default -> out = original.clone();
        }
        int flips = 1 + random.nextInt(8);
        for (int j = 0; j < flips && out.length > 0; j++) {
            int at = random.nextInt(out.length);
            out[at] = random.nextBoolean() ? (byte) random.nextInt() : (byte) (out[at] ^ (1 << random.nextInt(8)));
        }
        return out;
    }
}
