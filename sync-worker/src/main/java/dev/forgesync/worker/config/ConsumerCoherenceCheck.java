package dev.forgesync.worker.config;

import java.time.Duration;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when a long sync could get the consumer thrown out of its group: every record of one poll may
 * wait for a busy claim and then sync, each up to the sync time limit, before the next poll.
 */
@Component
class ConsumerCoherenceCheck implements InitializingBean {

    private final KafkaProperties kafka;
    private final SyncProperties sync;

    ConsumerCoherenceCheck(KafkaProperties kafka, SyncProperties sync) {
        this.kafka = kafka;
        this.sync = sync;
    }

    @Override
    public void afterPropertiesSet() {
        Integer records = kafka.getConsumer().getMaxPollRecords();
        String interval = kafka.getConsumer().getProperties().get("max.poll.interval.ms");
        if (records == null || interval == null) {
            throw new IllegalStateException("set spring.kafka.consumer.max-poll-records and max.poll.interval.ms");
        }
        Duration needed = sync.timeout().multipliedBy(2L * records);
        if (Duration.ofMillis(Long.parseLong(interval)).compareTo(needed) <= 0) {
            throw new IllegalStateException("max.poll.interval.ms=" + interval + " must exceed max-poll-records ("
                    + records + ") x 2 x forgesync.sync.timeout (" + sync.timeout() + ")");
        }
    }
}
