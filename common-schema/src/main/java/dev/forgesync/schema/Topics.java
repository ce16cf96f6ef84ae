package dev.forgesync.schema;

/**
 * Kafka topic and header names shared by ingest-service and sync-worker.
 *
 * <p>Retry topics follow spring-kafka's non-blocking retry naming: {@code <main>-retry-<n>} per delay and
 * {@code <main>-dlt} for records that are permanent failures or have used up their attempts.
 */
public final class Topics {

    /** Main topic: key = {@code repositories.id} as text, value = a {@code dev.forgesync.requests.SyncRequest} as JSON. */
    public static final String SYNC_REQUESTS = "forgesync.sync-requests";

    /** Suffix spring-kafka appends for retry topics (followed by the attempt index). */
    public static final String RETRY_SUFFIX = "-retry";

    /** Suffix spring-kafka appends for the dead-letter topic. */
    public static final String DLT_SUFFIX = "-dlt";

    /** Dead-letter topic of {@link #SYNC_REQUESTS}. */
    public static final String SYNC_REQUESTS_DLT = SYNC_REQUESTS + DLT_SUFFIX;

    /** Consumer group shared by every sync-worker instance. */
    public static final String SYNC_WORKER_GROUP = "forgesync-sync-workers";

    /** Header carrying the GitHub delivery id that caused a request, where there is one. */
    public static final String HEADER_DELIVERY_ID = "forgesync-delivery-id";

    /** Default retention of the main topic: longer than GitHub's 3-day redelivery window, so Kafka is the replay source. */
    public static final long SYNC_REQUESTS_RETENTION_MS = 14L * 24 * 60 * 60 * 1000;

    /**
     * Partitions of {@link #SYNC_REQUESTS} (and of its retry and dead-letter topics) when forgesync creates them: the
     * most sync-workers' consumers that work at once. 24 rather than 12: with range assignment over 4 workers, Kafka's
     * partitioner spreads keys as they fall so that the busiest worker holds a smaller share (docs/benchmarks.md
     * "Backfill"). A topic that already exists keeps its count (partitions are only ever added by hand, infra/README.md
     * "Kafka topics"). The shell and Compose copies ({@code FORGESYNC_SYNC_PARTITIONS}'s default) are held to this
     * value by infra's {@code PartitionCountTest}.
     */
    public static final int SYNC_REQUESTS_PARTITIONS = 24;

    private Topics() {
    }
}
