package dev.forgesync.ingest.webhook;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.forgesync.ingest.github.StarDeletedPolicy;

/**
 * The webhook endpoint. The service refuses to start without a {@code secret}; {@code previousSecret} is accepted
 * beside it while a rotation is under way. Secrets never appear in {@link #toString()}.
 *
 * @param secret         the hook's secret ({@code FORGESYNC_WEBHOOK_SECRET})
 * @param previousSecret the secret being rotated out, or empty ({@code FORGESYNC_WEBHOOK_PREVIOUS_SECRET})
 * @param maxBodySize    bodies larger than this are refused with 413 while being read
 * @param starDeleted    what {@code star deleted} does: keep mirroring, or stop syncing
 * @param retryAfter     the {@code Retry-After} of a 503 answer (database unavailable)
 */
@ConfigurationProperties("forgesync.webhook")
public record WebhookProperties(
        String secret,
        String previousSecret,
        @DefaultValue("5MB") DataSize maxBodySize,
        @DefaultValue("keep") StarDeletedPolicy starDeleted,
        @DefaultValue("30s") Duration retryAfter) {

    public WebhookProperties {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(
                    "forgesync.webhook.secret (FORGESYNC_WEBHOOK_SECRET) is required: the service does not accept unsigned webhooks");
        }
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("forgesync.webhook.max-body-size must be between 1 byte and 2 GB");
        }
    }

    boolean hasPreviousSecret() {
        return previousSecret != null && !previousSecret.isBlank();
    }

    @Override
    public String toString() {
        return "WebhookProperties[secret=***, previousSecret=" + (hasPreviousSecret() ? "***" : "none")
                + ", maxBodySize=" + maxBodySize + ", starDeleted=" + starDeleted + ", retryAfter=" + retryAfter + "]";
    }
}
