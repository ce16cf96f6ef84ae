package dev.forgesync.control.retention;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The seed's retention policy, run on a schedule by one instance at a time.
 *
 * @param enabled        schedule the job at all ({@code FORGESYNC_RETENTION_ENABLED})
 * @param cron           when (Spring cron, server time zone): default daily at 03:17
 * @param syncLogs       {@code sync_logs} rows older than this are deleted (seed: 90 days)
 * @param webhookEvents  processed {@code webhook_events} older than this are deleted (seed: 30 days); unprocessed
 *                       rows are never deleted (they are the outbox)
 * @param archiveAfter   {@code completed} repositories not synced for this long move to {@code repositories_archive}
 * @param batchSize      rows per DELETE (or per archive transaction), so no statement holds locks for long
 * @param maxBatches     batches per table per run at most (the rest waits for the next run)
 */
@ConfigurationProperties("forgesync.retention")
public record RetentionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("0 17 3 * * *") String cron,
        @DefaultValue("90d") Duration syncLogs,
        @DefaultValue("30d") Duration webhookEvents,
        @DefaultValue("365d") Duration archiveAfter,
        @DefaultValue("1000") int batchSize,
        @DefaultValue("1000") int maxBatches) {

    public RetentionProperties {
        if (batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException("forgesync.retention batch-size and max-batches must be positive");
        }
        if (!positive(syncLogs) || !positive(webhookEvents) || !positive(archiveAfter)) {
            throw new IllegalArgumentException("forgesync.retention periods must be positive durations (e.g. 90d)");
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
