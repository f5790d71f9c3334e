package dev.morgana.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsCredentialedSigner;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * Bouncy Castle's server-side policy for one connection: TLS 1.3 and 1.2, AEAD suites with
 * ECDHE only, ALPN http/1.1, and the certificate chosen by SNI. Everything it needs is
 * precomputed in {@link TlsAcceptor}; one instance per connection.
 */
final class SniTlsServer extends AbstractTlsServer {

    static final int[] TLS13_SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    };
    static final int[] TLS12_ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };
    static final int[] TLS12_RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };
    private static final int[] GROUPS = {NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1};

    private final TlsAcceptor.Prepared prepared;
    private final JcaTlsCrypto jcaCrypto;
    private TlsAcceptor.PreparedIdentity chosen;
    private volatile String requestedHost;

    SniTlsServer(JcaTlsCrypto crypto, TlsAcceptor.Prepared prepared) {
        super(crypto);
        this.jcaCrypto = crypto;
        this.prepared = prepared;
    }

    /** The host name the client asked for by SNI, once the ClientHello has been read; else null. */
    String requestedHost() {
        return requestedHost;
    }

    private String readRequestedHost() {
        if (context == null || context.getSecurityParametersHandshake() == null) {
            return null;
        }
        Vector<?> names = context.getSecurityParametersHandshake().getClientServerNames();
        if (names == null) {
            return null;
        }
        for (Object o : names) {
            if (o instanceof ServerName name && name.getNameType() == NameType.host_name) {
                return new String(name.getNameData(), StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return prepared.allSuites();
    }

    @Override
    protected Vector<ProtocolName> getProtocolNames() {
        return new Vector<>(java.util.List.of(ProtocolName.HTTP_1_1));
    }

    @Override
    public int[] getSupportedGroups() {
        return GROUPS.clone();
    }

    /**
     * TLS 1.2 ECDHE: the first of our groups the client supports (Bouncy Castle's default would
     * take any group the client names, including ones the JDK cannot compute, such as sect571r1).
     */
    @Override
    protected int selectECDH(int minimumCurveBits) {
        int[] client = context.getSecurityParametersHandshake().getClientSupportedGroups();
        for (int group : GROUPS) {
            if (NamedGroup.getCurveBits(group) >= minimumCurveBits && (client == null || contains(client, group))) {
                return group;
            }
        }
        return -1;
    }

    /** Only our groups count when judging whether an ECDHE suite can be negotiated. */
    @Override
    protected int getMaximumNegotiableCurveBits() {
        int[] client = context.getSecurityParametersHandshake().getClientSupportedGroups();
        int max = 0;
        for (int group : GROUPS) {
            if (client == null || contains(client, group)) {
                max = Math.max(max, NamedGroup.getCurveBits(group));
            }
        }
        return max;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** No OCSP responses to staple: never acknowledge status_request. */
    @Override
    protected boolean allowCertificateStatus() {
        return false;
    }

    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    @SuppressWarnings("rawtypes") // Bouncy Castle's signature
    public void processClientExtensions(java.util.Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        // BouncyCastle has already stored the ClientHello's server_name list: choose now, so the
        // TLS 1.2 suites offered below match the key type of the certificate SNI selects.
        requestedHost = readRequestedHost();
        chosen = prepared.select(requestedHost);
    }

    @Override
    public int[] getCipherSuites() {
        if (chosen == null) {
            return super.getCipherSuites();
        }
        return chosen.suites();
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        if (chosen == null) {
            requestedHost = readRequestedHost();
            chosen = prepared.select(requestedHost);
        }
        SecurityParameters params = context.getSecurityParametersHandshake();
        boolean tls13 = TlsUtils.isTLSv13(params.getNegotiatedVersion());
        SignatureAndHashAlgorithm scheme = chooseScheme(params.getClientSigAlgs(), tls13);
        if (scheme == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "client accepts no signature scheme our certificate's key can make");
        }
        TlsCryptoParameters cryptoParams = new TlsCryptoParameters(context);
        Certificate certificate = tls13 ? chosen.tls13Certificate() : chosen.tls12Certificate();
        if (chosen.ecdsaSigner() != null) {
            return new DefaultTlsCredentialedSigner(cryptoParams, chosen.ecdsaSigner(), certificate, scheme);
        }
        return new JcaDefaultTlsCredentialedSigner(cryptoParams, jcaCrypto,
                chosen.identity().privateKey(), certificate, scheme);
    }

    private SignatureAndHashAlgorithm chooseScheme(Vector<?> clientSigAlgs, boolean tls13) {
        if (clientSigAlgs == null) {
            return null;
        }
        for (int scheme : ourSchemes(tls13)) {
            SignatureAndHashAlgorithm candidate = SignatureScheme.getSignatureAndHashAlgorithm(scheme);
            if (clientSigAlgs.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private int[] ourSchemes(boolean tls13) {
        return tls13 ? chosen.tls13Schemes() : chosen.tls12Schemes();
    }
}
