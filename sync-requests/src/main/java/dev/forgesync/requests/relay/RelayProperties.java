package dev.forgesync.requests.relay;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The outbox relay.
 *
 * @param interval  pause between two relay runs
 * @param grace     a row younger than this is left to its request thread's own publish; a row also waits for its
 *                  {@code relay_after}, the inserting publisher's budget, when that is later
 * @param batchSize rows claimed per run
 */
@ConfigurationProperties("forgesync.relay")
public record RelayProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration interval,
        @DefaultValue("10s") Duration grace,
        @DefaultValue("200") int batchSize) {

    public RelayProperties {
        if (batchSize < 1 || interval.isNegative() || interval.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("forgesync.relay: batch-size and interval must be positive, grace not negative");
        }
    }
}
