package dev.forgesync.control.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ops API under {@code /api}. With neither token set the API is disabled: every request is answered {@code 401}.
 * Tokens never appear in {@link #toString()}.
 *
 * @param adminToken      bearer token that may read and change ({@code FORGESYNC_OPS_ADMIN_TOKEN})
 * @param readToken       bearer token that may only read ({@code FORGESYNC_OPS_READ_TOKEN})
 * @param maxPageSize     the largest {@code size} a list endpoint accepts
 * @param maxReplayEvents the most stored events one replay may select
 * @param countLimit      lists count their matches up to this many; beyond it {@code total} is this number and
 *                        {@code totalCapped} is true
 */
@ConfigurationProperties("forgesync.ops")
public record OpsProperties(
        String adminToken,
        String readToken,
        @DefaultValue("500") int maxPageSize,
        @DefaultValue("10000") int maxReplayEvents,
        @DefaultValue("10000") int countLimit) {

    static final int MIN_TOKEN_LENGTH = 16;

    public OpsProperties {
        requireStrong(adminToken, "forgesync.ops.admin-token (FORGESYNC_OPS_ADMIN_TOKEN)");
        requireStrong(readToken, "forgesync.ops.read-token (FORGESYNC_OPS_READ_TOKEN)");
        if (isSet(adminToken) && adminToken.equals(readToken)) {
            throw new IllegalArgumentException("forgesync.ops: the admin and read tokens must differ");
        }
        if (maxPageSize < 1 || maxReplayEvents < 1 || countLimit < 1) {
            throw new IllegalArgumentException(
                    "forgesync.ops: max-page-size, max-replay-events and count-limit must be positive");
        }
    }

    boolean enabled() {
        return isSet(adminToken) || isSet(readToken);
    }

    static boolean isSet(String token) {
        return token != null && !token.isBlank();
    }

    private static void requireStrong(String token, String name) {
        if (isSet(token) && token.strip().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(name + " must be at least " + MIN_TOKEN_LENGTH
                    + " characters (e.g. openssl rand -hex 32)");
        }
    }

    @Override
    public String toString() {
        return "OpsProperties[adminToken=" + (isSet(adminToken) ? "***" : "none") + ", readToken="
                + (isSet(readToken) ? "***" : "none") + ", maxPageSize=" + maxPageSize + ", maxReplayEvents="
                + maxReplayEvents + ", countLimit=" + countLimit + "]";
    }
}
