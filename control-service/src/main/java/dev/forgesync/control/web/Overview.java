package dev.forgesync.control.web;

import java.time.OffsetDateTime;
import java.util.List;

/** Everything the overview shows, read in one go. */
record Overview(List<StatusCount> statuses, long repositories, HourlyChart webhooks, HourlyChart syncs,
        Durations durations, List<ErrorCount> failures, Backlog backlog, ConsumerLag.Lag lag,
        OffsetDateTime readAt) {

    record StatusCount(String status, long count) {
    }

    /** Sync durations ({@code sync_completed}) over the last 24 h; null percentiles when there was none. */
    record Durations(long syncs, Double p50, Double p95) {
    }

    record ErrorCount(String errorCode, long count) {
    }

    /** Webhook events not yet handed to Kafka (the outbox), and when the oldest of them arrived. */
    record Backlog(long rows, OffsetDateTime oldest) {
    }
}
