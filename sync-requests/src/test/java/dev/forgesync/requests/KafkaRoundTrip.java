package dev.forgesync.requests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produce one SyncRequest as the ingest does (key = repository id, idempotent, acks=all) and consume it back. */
final class KafkaRoundTrip {

    private KafkaRoundTrip() {
    }

    static void assertRoundTrip(String bootstrap, String topic, SyncRequest request) {
        RecordMetadata sent;
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
            sent = producer.send(new ProducerRecord<>(topic, request.key(), SyncRequestCodec.toBytes(request)))
                    .get(java.util.concurrent.TimeUnit.SECONDS.toMillis(60), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("send failed", e);
        }
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).hasSize(1);
        ConsumerRecord<String, byte[]> record = received.get(0);
        assertThat(record.key()).isEqualTo(Long.toString(request.repositoryId()));
        assertThat(record.partition()).isEqualTo(sent.partition());
        assertThat(SyncRequestCodec.fromBytes(record.value())).isEqualTo(request);
    }
}
