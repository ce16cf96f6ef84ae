package dev.forgesync.requests.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The after-commit publisher checks the hand-over when its thread gets to a request: a request whose transaction
 * started longer ago than {@code forgesync.publish.hand-over} is the relay's, and is not sent by the publisher too.
 */
class PublisherHandOverIT {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DefaultKafkaProducerFactory<String, byte[]> producers = Publishers.producers();
    private final SyncRequestPublisher publisher = new SyncRequestPublisher(new KafkaTemplate<>(producers),
            new PublishedEvents(JdbcClient.create(TestDatabase.perRun().dataSource())),
            new PublishProperties(4, (short) 1, Duration.ofDays(1), Duration.ofSeconds(5), 100, Duration.ofMillis(500)),
            meters);

    @AfterEach
    void close() throws InterruptedException {
        publisher.destroy();
        producers.destroy();
    }

    @Test
    void aRequestPastTheHandOverIsLeftToTheRelayAndAFreshOneIsSent() {
        PendingPublication late = pending();
        PendingPublication fresh = pending();

        publisher.publishAllAfterCommit(List.of(late), System.nanoTime() - Duration.ofSeconds(2).toNanos());
        publisher.publishAllAfterCommit(List.of(fresh), System.nanoTime());

        await().atMost(Duration.ofSeconds(20)).until(
                () -> !SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), fresh.deliveryId()).isEmpty());
        assertThat(meters.counter("forgesync.publish.deferred").count()).isEqualTo(1);
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), late.deliveryId())).isEmpty();
    }

    private static PendingPublication pending() {
        String deliveryId = UUID.randomUUID().toString();
        // Row id 0: no such row, so marking it processed changes nothing.
        return new PendingPublication(0, 1, "hand/over", "push", deliveryId, Instant.now());
    }
}
