package dev.forgesync.control.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RetentionPropertiesTest {

    @Test
    void defaultsAreTheSeedsPeriods() {
        RetentionProperties p = bind(Map.of());

        assertThat(p.enabled()).isTrue();
        assertThat(p.syncLogs()).isEqualTo(Duration.ofDays(90));
        assertThat(p.webhookEvents()).isEqualTo(Duration.ofDays(30));
        assertThat(p.archiveAfter()).isEqualTo(Duration.ofDays(365));
        assertThat(p.batchSize()).isEqualTo(1000);
    }

    @Test
    void periodsAndBatchSizeBindFromConfiguration() {
        RetentionProperties p = bind(Map.of("forgesync.retention.sync-logs", "30d",
                "forgesync.retention.webhook-events", "12h", "forgesync.retention.batch-size", "50"));

        assertThat(p.syncLogs()).isEqualTo(Duration.ofDays(30));
        assertThat(p.webhookEvents()).isEqualTo(Duration.ofHours(12));
        assertThat(p.batchSize()).isEqualTo(50);
    }

    @Test
    void refusesNonPositivePeriodsAndBatches() {
        assertThatThrownBy(() -> bind(Map.of("forgesync.retention.batch-size", "0"))).hasRootCauseMessage(
                "forgesync.retention batch-size and max-batches must be positive");
        assertThatThrownBy(() -> bind(Map.of("forgesync.retention.sync-logs", "0s")))
                .hasRootCauseMessage("forgesync.retention periods must be positive durations (e.g. 90d)");
    }

    private static RetentionProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("forgesync.retention", RetentionProperties.class);
    }
}
