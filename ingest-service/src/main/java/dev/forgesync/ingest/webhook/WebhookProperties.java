package dev.forgesync.ingest.webhook;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.forgesync.ingest.github.StarDeletedPolicy;

/**
 * The webhook endpoint. The service refuses to start without a {@code secret} of at least
 * {@value #MIN_SECRET_LENGTH} characters; {@code previousSecret} is accepted beside it while a rotation is under way.
 * Secrets never appear in {@link #toString()}.
 *
 * @param secret                the hook's secret ({@code FORGESYNC_WEBHOOK_SECRET}), at least 16 characters
 * @param previousSecret        the secret being rotated out, or empty ({@code FORGESYNC_WEBHOOK_PREVIOUS_SECRET})
 * @param maxBodySize           bodies larger than this are refused with 413 while being read
 * @param maxBodyBytesInFlight  body bytes all requests together may hold in memory; a body that would need more is
 *                              refused at once with 503 and Retry-After (at least max-body-size)
 * @param bodyTimeout           a body not fully received this long after its headers is refused with 408 (GitHub
 *                              itself gives up on a delivery after 10 s)
 * @param starDeleted           what {@code star deleted} does: keep mirroring, or stop syncing
 * @param retryAfter            the {@code Retry-After} of a 503 answer (database unavailable, or too many bodies in flight)
 */
@ConfigurationProperties("forgesync.webhook")
public record WebhookProperties(
        String secret,
        String previousSecret,
        @DefaultValue("5MB") DataSize maxBodySize,
        @DefaultValue("64MB") DataSize maxBodyBytesInFlight,
        @DefaultValue("10s") Duration bodyTimeout,
        @DefaultValue("keep") StarDeletedPolicy starDeleted,
        @DefaultValue("30s") Duration retryAfter) {

    /**
     * The floor for both secrets, the same as for the ops tokens: it refuses the guessable ("secret", "changeme",
     * a word) while any generated secret passes ({@code ./forgesync} writes 64 hex digits, {@code openssl rand -hex
     * 32} does too). Whoever captures one signed delivery can test guesses offline, so a short secret is a forgeable one.
     */
    static final int MIN_SECRET_LENGTH = 16;

    public WebhookProperties {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(
                    "forgesync.webhook.secret (FORGESYNC_WEBHOOK_SECRET) is required: the service does not accept unsigned webhooks");
        }
        requireLongEnough(secret, "forgesync.webhook.secret (FORGESYNC_WEBHOOK_SECRET)");
        if (previousSecret != null && !previousSecret.isBlank()) {
            requireLongEnough(previousSecret, "forgesync.webhook.previous-secret (FORGESYNC_WEBHOOK_PREVIOUS_SECRET)");
        }
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("forgesync.webhook.max-body-size must be between 1 byte and 2 GB");
        }
        if (maxBodyBytesInFlight.toBytes() < maxBodySize.toBytes()) {
            throw new IllegalArgumentException("forgesync.webhook.max-body-bytes-in-flight must be at least max-body-size ("
                    + maxBodySize + "), else a delivery of the largest allowed size could never be received");
        }
        if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("forgesync.webhook.body-timeout must be positive");
        }
    }

    private static void requireLongEnough(String secret, String name) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(name + " must be at least " + MIN_SECRET_LENGTH
                    + " characters (e.g. openssl rand -hex 32)");
        }
    }

    boolean hasPreviousSecret() {
        return previousSecret != null && !previousSecret.isBlank();
    }

    @Override
    public String toString() {
        return "WebhookProperties[secret=***, previousSecret=" + (hasPreviousSecret() ? "***" : "none")
                + ", maxBodySize=" + maxBodySize + ", maxBodyBytesInFlight=" + maxBodyBytesInFlight
                + ", bodyTimeout=" + bodyTimeout + ", starDeleted=" + starDeleted + ", retryAfter=" + retryAfter + "]";
    }
}
