package dev.forgesync.requests.publish;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The longest an after-commit publish may hold a committed outbox row, from its transaction's start to the row's
 * mark: the publisher thread sends only within {@code handOver} of a moment before the transaction began, the send
 * blocks at most {@code max.block.ms}, the broker's answer comes within {@code delivery.timeout.ms}, and the mark
 * follows within {@link #MARKING} (the marker's 100 ms poll and its UPDATE, with room for a short pause). The
 * inserting process stores {@code NOW() + total()} as the row's {@code relay_after}; no relay claims the row before.
 * A process paused longer than the margin (a long GC, a starved CPU) can still be overtaken by a relay: the request
 * is then published twice, which the worker tolerates (at-least-once).
 *
 * <p>The one place these numbers are added up: read from {@code forgesync.publish.hand-over} and the producer the
 * publisher sends through ({@code spring.kafka.producer.properties.*}, Kafka's defaults where unset).
 */
@Component
public record PublishBudget(Duration handOver, Duration maxBlock, Duration deliveryTimeout) {

    /** From the producer's ack to the row's UPDATE: the marker's poll (100 ms), its batch UPDATE, and a margin. */
    public static final Duration MARKING = Duration.ofSeconds(1);

    @Autowired
    PublishBudget(PublishProperties properties, KafkaTemplate<String, byte[]> kafka) {
        this(properties.handOver(), kafka.getProducerFactory().getConfigurationProperties());
    }

    PublishBudget(Duration handOver, Map<String, Object> producer) {
        this(handOver, millis(producer, ProducerConfig.MAX_BLOCK_MS_CONFIG),
                millis(producer, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
    }

    /** Hand-over, max block, delivery timeout and the marking margin. */
    public Duration total() {
        return handOver.plus(maxBlock).plus(deliveryTimeout).plus(MARKING);
    }

    /** A producer setting in milliseconds as the producer reads it (a number or its text), or Kafka's default. */
    private static Duration millis(Map<String, Object> producer, String name) {
        Object value = producer.containsKey(name) ? producer.get(name)
                : ProducerConfig.configDef().defaultValues().get(name);
        return Duration.ofMillis((Long) ConfigDef.parseType(name, value, ConfigDef.Type.LONG));
    }
}
