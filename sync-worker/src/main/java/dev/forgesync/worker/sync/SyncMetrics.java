package dev.forgesync.worker.sync;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Prometheus series: {@code forgesync_sync_outcomes_total{outcome}}, {@code forgesync_sync_duration_seconds{outcome}},
 * {@code forgesync_sync_bytes{direction}}, {@code forgesync_sync_retries_total},
 * {@code forgesync_sync_permanent_failures_total{code}}.
 */
@Component
class SyncMetrics {

    private final MeterRegistry registry;

    SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void outcome(String outcome, Duration duration) {
        Counter.builder("forgesync.sync.outcomes").description("Syncs by outcome").tag("outcome", outcome)
                .register(registry).increment();
        if (duration != null) {
            Timer.builder("forgesync.sync.duration").description("Sync duration").tag("outcome", outcome)
                    .register(registry).record(duration);
        }
    }

    void bytes(String direction, long bytes) {
        DistributionSummary.builder("forgesync.sync.bytes").description("Bytes moved per sync step")
                .baseUnit("bytes").tag("direction", direction).register(registry).record(bytes);
    }

    void retry() {
        Counter.builder("forgesync.sync.retries").description("Failed syncs scheduled for a retry")
                .register(registry).increment();
    }

    void permanentFailure(String code) {
        Counter.builder("forgesync.sync.permanent.failures").description("Repositories set to permanent_failure")
                .tag("code", code).register(registry).increment();
    }
}
