package dev.forgesync.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Hub-Signature-256} ({@code sha256=<hex>}): HMAC-SHA256 of the raw body bytes, compared in constant
 * time against the current secret and, during a rotation, the previous one.
 */
final class SignatureVerifier {

    private static final String PREFIX = "sha256=";
    private static final int HEX_LENGTH = 64;

    /** Which secret matched, or why none did. */
    enum Match {
        CURRENT, PREVIOUS, MISSING, MALFORMED, MISMATCH;

        boolean valid() {
            return this == CURRENT || this == PREVIOUS;
        }
    }

    // One initialised Mac per thread and secret: Mac.getInstance (provider lookup) and init (key schedule) per
    // request cost more than the HMAC of a typical payload. doFinal resets the Mac for its next use.
    private final ThreadLocal<Mac> current;
    private final ThreadLocal<Mac> previous;

    SignatureVerifier(String secret, String previousSecret) {
        this.current = macs(key(secret));
        this.previous = previousSecret == null || previousSecret.isBlank() ? null : macs(key(previousSecret));
    }

    /**
     * What the header alone tells: {@code MISSING}, {@code MALFORMED}, or null when it is a well-formed signature
     * worth reading the body for. A request without one is refused before a byte of its body is read.
     */
    Match precheck(String header) {
        if (header == null || header.isBlank()) {
            return Match.MISSING;
        }
        return decode(header.trim()) == null ? Match.MALFORMED : null;
    }

    Match verify(String header, byte[] body) {
        return verify(header, body, body.length);
    }

    /** Checks the signature over the first {@code length} bytes of {@code body}. */
    Match verify(String header, byte[] body, int length) {
        Match refused = precheck(header);
        if (refused != null) {
            return refused;
        }
        byte[] given = decode(header.trim());
        if (MessageDigest.isEqual(given, hmac(current, body, length))) {
            return Match.CURRENT;
        }
        if (previous != null && MessageDigest.isEqual(given, hmac(previous, body, length))) {
            return Match.PREVIOUS;
        }
        return Match.MISMATCH;
    }

    private static byte[] decode(String header) {
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || header.length() != PREFIX.length() + HEX_LENGTH) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(header, PREFIX.length(), header.length());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] hmac(ThreadLocal<Mac> mac, byte[] body, int length) {
        Mac hmac = mac.get();
        hmac.update(body, 0, length);
        return hmac.doFinal();
    }

    private static ThreadLocal<Mac> macs(SecretKeySpec key) {
        mac(key); // fails at start-up, not on the first request, if HmacSHA256 or the key is unusable
        return ThreadLocal.withInitial(() -> mac(key));
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static SecretKeySpec key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Override
    public String toString() {
        return "SignatureVerifier[secrets=" + (previous == null ? 1 : 2) + "]";
    }
}
