package dev.forgesync.worker.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param timeout           the sync time limit: a sync stops between steps once it is over and is retried later
 * @param claimTtl          an {@code in_progress} claim without a heartbeat for this long is stale (its holder died or
 *                          stalled) and another sync may take it over; at least 3 heartbeat intervals
 * @param heartbeatInterval how often a running sync confirms its claim, in the background, also during a long fetch
 *                          or push
 */
@Validated
@ConfigurationProperties("forgesync.sync")
public record SyncProperties(
        @NotNull @DefaultValue("10m") Duration timeout,
        @NotNull @DefaultValue("2m") Duration claimTtl,
        @NotNull @DefaultValue("20s") Duration heartbeatInterval) {

    public SyncProperties {
        if (claimTtl != null && heartbeatInterval != null
                && (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                    || heartbeatInterval.multipliedBy(3).compareTo(claimTtl) > 0)) {
            throw new IllegalArgumentException("forgesync.sync.heartbeat-interval (" + heartbeatInterval
                    + ") must be positive and at most a third of forgesync.sync.claim-ttl (" + claimTtl + ")");
        }
    }
}
