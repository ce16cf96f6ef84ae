package dev.forgesync.worker.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** Between two polls a record syncs up to the time limit, then writes its failure for up to a claim TTL; no claim wait. */
class ConsumerCoherenceCheckTest {

    private static final SyncProperties SYNC = new SyncProperties(Duration.ofMinutes(10), Duration.ofMinutes(2),
            Duration.ofSeconds(20));
    private static final RetryProperties RETRY = new RetryProperties(4, Duration.ofSeconds(30), 4.0,
            Duration.ofMinutes(30), 4, (short) 1, Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void acceptsTheShippedFifteenMinutesForOneRecordPerPoll() {
        assertThatCode(() -> check(1, Duration.ofMinutes(15)).afterPropertiesSet()).doesNotThrowAnyException();
    }

    @Test
    void refusesAnIntervalThatASyncAndItsFailureWriteCanOutlast() {
        assertThatThrownBy(() -> check(1, Duration.ofMinutes(12)).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("forgesync.sync.claim-ttl");
        assertThatThrownBy(() -> check(2, Duration.ofMinutes(15)).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHeartbeatMustFitThreeTimesIntoTheClaimTtl() {
        assertThatThrownBy(() -> new SyncProperties(Duration.ofMinutes(10), Duration.ofSeconds(50), Duration.ofSeconds(20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat-interval");
    }

    private static ConsumerCoherenceCheck check(int records, Duration interval) {
        KafkaProperties kafka = new KafkaProperties();
        kafka.getConsumer().setMaxPollRecords(records);
        kafka.getConsumer().getProperties().put("max.poll.interval.ms", Long.toString(interval.toMillis()));
        return new ConsumerCoherenceCheck(kafka, SYNC, RETRY);
    }
}
