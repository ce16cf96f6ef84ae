package dev.forgesync.requests.publish;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import dev.forgesync.testsupport.TestKafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Publishers for tests of other packages (the publisher's constructor is package-private). */
public final class Publishers {

    /** The properties tests use: a short hand-over (500 ms), so a relay grace of a second or more is valid. */
    public static final PublishProperties PROPERTIES =
            new PublishProperties(4, (short) 1, Duration.ofDays(1), Duration.ofSeconds(5), 100, Duration.ofMillis(500));

    private Publishers() {
    }

    /** Producers to the run's broker, with Kafka's default bounds; the caller destroys the factory. */
    public static DefaultKafkaProducerFactory<String, byte[]> producers() {
        return new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    public static SyncRequestPublisher on(ProducerFactory<String, byte[]> producers, DataSource database) {
        return new SyncRequestPublisher(new KafkaTemplate<>(producers), published(database), PROPERTIES,
                new SimpleMeterRegistry());
    }

    public static PublishedEvents published(DataSource database) {
        return new PublishedEvents(JdbcClient.create(database));
    }
}
