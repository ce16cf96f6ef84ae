package dev.forgesync.requests.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PublishBudgetTest {

    @Test
    void addsTheHandOverTheProducersBoundsAsConfiguredAndTheMarkingMargin() {
        PublishBudget budget = new PublishBudget(Duration.ofSeconds(3),
                Map.of("max.block.ms", "2000", "delivery.timeout.ms", 5000));

        assertThat(budget.maxBlock()).isEqualTo(Duration.ofSeconds(2));
        assertThat(budget.deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(budget.total()).isEqualTo(Duration.ofSeconds(3 + 2 + 5).plus(PublishBudget.MARKING));
    }

    @Test
    void aProducerBoundLeftUnsetIsKafkasDefault() {
        PublishBudget budget = new PublishBudget(Duration.ofSeconds(3), Map.of());

        assertThat(budget.maxBlock()).isEqualTo(Duration.ofMinutes(1));
        assertThat(budget.deliveryTimeout()).isEqualTo(Duration.ofMinutes(2));
    }
}
