package dev.forgesync.control.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code forgesync.retention.deleted{table}}, {@code .archived{table}} and {@code .runs{outcome}}. */
final class RetentionMetrics {

    private final MeterRegistry meters;

    RetentionMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void deleted(String table, long rows) {
        Counter.builder("forgesync.retention.deleted").description("Rows removed by the retention job")
                .tag("table", table).register(meters).increment(rows);
    }

    void archived(String table, long rows) {
        Counter.builder("forgesync.retention.archived").description("Rows moved to the archive by the retention job")
                .tag("table", table).register(meters).increment(rows);
    }

    void run(String outcome) {
        Counter.builder("forgesync.retention.runs").tag("outcome", outcome).register(meters).increment();
    }
}
