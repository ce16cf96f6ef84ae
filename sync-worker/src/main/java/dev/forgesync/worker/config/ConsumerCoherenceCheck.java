package dev.forgesync.worker.config;

import java.time.Duration;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when a long sync could get the consumer thrown out of its group. Between two polls, each record
 * of a poll may sync up to the sync time limit and then write its failure while the database flaps (up to a claim
 * TTL); a database outage adds one in-place back-off pause. Nothing waits for a busy claim any more: such a record
 * goes to a retry topic at once.
 */
@Component
class ConsumerCoherenceCheck implements InitializingBean {

    private final KafkaProperties kafka;
    private final SyncProperties sync;
    private final RetryProperties retry;

    ConsumerCoherenceCheck(KafkaProperties kafka, SyncProperties sync, RetryProperties retry) {
        this.kafka = kafka;
        this.sync = sync;
        this.retry = retry;
    }

    @Override
    public void afterPropertiesSet() {
        Integer records = kafka.getConsumer().getMaxPollRecords();
        String interval = kafka.getConsumer().getProperties().get("max.poll.interval.ms");
        if (records == null || interval == null) {
            throw new IllegalStateException("set spring.kafka.consumer.max-poll-records and max.poll.interval.ms");
        }
        Duration needed = sync.timeout().plus(sync.claimTtl()).multipliedBy(records).plus(retry.databaseMaxDelay());
        if (Duration.ofMillis(Long.parseLong(interval)).compareTo(needed) <= 0) {
            throw new IllegalStateException("max.poll.interval.ms=" + interval + " must exceed max-poll-records ("
                    + records + ") x (forgesync.sync.timeout (" + sync.timeout() + ") + forgesync.sync.claim-ttl ("
                    + sync.claimTtl() + ")) + forgesync.retry.database-max-delay (" + retry.databaseMaxDelay() + ")");
        }
    }
}
