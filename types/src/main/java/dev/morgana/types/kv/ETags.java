package dev.morgana.types.kv;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Strong entity tags from content hashes, identical across stores. */
public final class ETags {

    private ETags() {}

    /** The quoted strong ETag of {@code content}: 22 base64url characters of its SHA-256. */
    public static String of(byte[] content) {
        return fromSha256(sha256().digest(content));
    }

    /** The quoted strong ETag for a SHA-256 digest computed elsewhere (streamed files). */
    public static String fromSha256(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("SHA-256 digest must be 32 bytes, got " + digest.length);
        }
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        return "\"" + b64.substring(0, 22) + "\"";
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
