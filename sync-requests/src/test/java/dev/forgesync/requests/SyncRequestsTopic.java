package dev.forgesync.requests;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.forgesync.schema.Topics;

/** Reads {@code forgesync.sync-requests} from the beginning, as the sync-worker would decode it. */
public final class SyncRequestsTopic {

    public record Published(String key, SyncRequest request, String deliveryHeader) {
    }

    private SyncRequestsTopic() {
    }

    /** Every record on the topic now (empty if the topic does not exist yet). */
    public static List<Published> readAll(String bootstrapServers) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "ingest-test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.SYNC_REQUESTS, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                return List.of();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Published> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(new Published(record.key(), SyncRequestCodec.fromBytes(record.value()), header(record)));
                }
            }
            return records;
        }
    }

    public static List<Published> forDelivery(String bootstrapServers, String deliveryId) {
        return readAll(bootstrapServers).stream().filter(p -> deliveryId.equals(p.request().deliveryId())).toList();
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static String header(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.HEADER_DELIVERY_ID);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
