package dev.forgesync.requests;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The same round trip against Kafka's official image; runs only where a Docker engine exists. */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaRoundTripIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");

    @Test
    void sendsASyncRequestThroughAContainerBrokerAndReadsItBackEqual() {
        SyncRequest request = SyncRequest.of(7, "octo/container", "watch", null, Instant.now());
        KafkaRoundTrip.assertRoundTrip(KAFKA.getBootstrapServers(), "forgesync.round-trip-container", request);
    }
}
