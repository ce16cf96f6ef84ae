package dev.forgesync.control.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Decides what an {@code Authorization} header may do. Tokens are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual} (constant time, and equal lengths so the length leaks nothing); both tokens are
 * always compared so the answer takes as long for either.
 */
final class OpsTokens {

    enum Access { NONE, READ, ADMIN }

    private static final String BEARER = "bearer ";

    private final byte[] admin;
    private final byte[] read;

    OpsTokens(OpsProperties properties) {
        this.admin = OpsProperties.isSet(properties.adminToken()) ? digest(properties.adminToken().strip()) : null;
        this.read = OpsProperties.isSet(properties.readToken()) ? digest(properties.readToken().strip()) : null;
    }

    boolean enabled() {
        return admin != null || read != null;
    }

    Access accessOf(String authorization) {
        if (!enabled() || authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Access.NONE;
        }
        byte[] presented = digest(authorization.substring(BEARER.length()).strip());
        boolean isAdmin = admin != null && MessageDigest.isEqual(admin, presented);
        boolean isRead = read != null && MessageDigest.isEqual(read, presented);
        if (isAdmin) {
            return Access.ADMIN;
        }
        return isRead ? Access.READ : Access.NONE;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
