package dev.forgesync.requests;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.TestKafka;

/** A SyncRequest through the in-process KRaft broker: keyed by repository, read back equal. */
class KafkaRoundTripIT {

    @Test
    void sendsASyncRequestThroughARealBrokerAndReadsItBackEqual() {
        SyncRequest request = SyncRequest.of(42, "octo/round-trip", "push", "delivery-42", Instant.now());
        KafkaRoundTrip.assertRoundTrip(TestKafka.bootstrapServers(), "forgesync.round-trip-embedded", request);
    }
}
