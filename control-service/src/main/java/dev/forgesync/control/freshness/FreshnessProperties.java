package dev.forgesync.control.freshness;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Verified freshness: each mirrored repository's source ref advertisement is read every {@code interval} and compared
 * with what the last sync pushed.
 *
 * @param enabled     run the checks
 * @param interval    {@code FORGESYNC_FRESHNESS_INTERVAL}: how often each repository is checked (each one's next
 *                    check falls at a random point of 90-110 % of it, so checks spread over the interval)
 * @param tick        how often due repositories are looked for
 * @param batchSize   repositories taken at once (a tick takes batch after batch while a whole batch was due)
 * @param perHost     concurrent ref advertisement requests to one git host at most
 * @param timeout     one ref advertisement request's timeout
 */
@Validated
@ConfigurationProperties("forgesync.freshness")
public record FreshnessProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("15m") Duration interval,
        @NotNull @DefaultValue("5s") Duration tick,
        @Min(1) @DefaultValue("500") int batchSize,
        @Min(1) @DefaultValue("8") int perHost,
        @NotNull @DefaultValue("20s") Duration timeout) {

    public FreshnessProperties {
        if (interval.isNegative() || interval.isZero() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("forgesync.freshness.interval and tick must be positive");
        }
    }
}
