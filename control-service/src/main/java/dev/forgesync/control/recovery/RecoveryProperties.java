package dev.forgesync.control.recovery;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The recovery sweep: repositories whose sync request was lost are requested again.
 *
 * @param enabled         run the sweep (one instance or several: each row is taken by one of them)
 * @param interval        pause between two sweeps
 * @param pendingAfter    a pending repository with no unpublished request and no change for this long is requested
 *                        again; longer than the worker's whole retry chain (its delays plus a database wait per
 *                        attempt, about 13 minutes with the worker's defaults)
 * @param inProgressAfter an in-progress repository whose updated_at (the worker's heartbeat, at least once a minute
 *                        during a sync) is older than this is taken back to pending and requested again
 * @param failedOverdue   a failed repository whose next retry is overdue by this much (its retry record was lost) is
 *                        requested again
 * @param batchSize       repositories requested again per sweep at most
 */
@ConfigurationProperties("forgesync.recovery")
public record RecoveryProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1m") Duration interval,
        @DefaultValue("30m") Duration pendingAfter,
        @DefaultValue("15m") Duration inProgressAfter,
        @DefaultValue("30m") Duration failedOverdue,
        @DefaultValue("100") int batchSize) {

    public RecoveryProperties {
        if (batchSize < 1 || !positive(interval) || !positive(pendingAfter) || !positive(inProgressAfter)
                || !positive(failedOverdue)) {
            throw new IllegalArgumentException(
                    "forgesync.recovery: batch-size, interval and every threshold must be positive");
        }
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
