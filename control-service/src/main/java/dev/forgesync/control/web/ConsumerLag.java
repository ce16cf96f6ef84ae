package dev.forgesync.control.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgesync.schema.Topics;

/**
 * How far the sync-workers' consumer group ({@link Topics#SYNC_WORKER_GROUP}) is behind, per topic: the sum over its
 * partitions of the log-end offset minus the group's committed offset. Kafka types stay in this class; a broker that
 * does not answer in time gives a {@link Lag} that says so instead of an error page.
 */
class ConsumerLag {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);

    /** Per-topic lag, or why there is none to show. */
    record Lag(List<TopicLag> topics, String unavailable) {
        public long total() {
            return topics.stream().mapToLong(TopicLag::lag).sum();
        }
    }

    record TopicLag(String topic, int partitions, long lag) {
    }

    private final Admin admin;
    private final Duration timeout;

    ConsumerLag(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    Lag read() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.SYNC_WORKER_GROUP)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                    : admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Lag(perTopic(committed, ends), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lag(List.of(), "interrupted");
        } catch (TimeoutException e) {
            log.warn("consumer lag of {}: Kafka did not answer within {}", Topics.SYNC_WORKER_GROUP, timeout);
            return new Lag(List.of(), "Kafka did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            log.warn("consumer lag of {}: {}", Topics.SYNC_WORKER_GROUP, e.getCause().toString());
            return new Lag(List.of(), "Kafka refused: " + e.getCause().getClass().getSimpleName());
        }
    }

    private static List<TopicLag> perTopic(Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, ListOffsetsResultInfo> ends) {
        Map<String, long[]> byTopic = new TreeMap<>();
        committed.forEach((tp, offset) -> {
            ListOffsetsResultInfo end = ends.get(tp);
            long lag = end == null || offset == null ? 0 : Math.max(0, end.offset() - offset.offset());
            long[] sums = byTopic.computeIfAbsent(tp.topic(), t -> new long[2]);
            sums[0]++;
            sums[1] += lag;
        });
        return byTopic.entrySet().stream()
                .map(e -> new TopicLag(e.getKey(), (int) e.getValue()[0], e.getValue()[1])).toList();
    }
}
