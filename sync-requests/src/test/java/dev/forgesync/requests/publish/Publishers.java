package dev.forgesync.requests.publish;

import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Publishers for tests of other packages (the publisher's constructor is package-private). */
public final class Publishers {

    /** The properties tests use: a short hand-over (500 ms), so a relay grace of a second or more is valid. */
    public static final PublishProperties PROPERTIES =
            new PublishProperties(4, (short) 1, Duration.ofDays(1), Duration.ofSeconds(5), 100, Duration.ofMillis(500));

    private Publishers() {
    }

    public static SyncRequestPublisher on(ProducerFactory<String, byte[]> producers, DataSource database) {
        return new SyncRequestPublisher(new KafkaTemplate<>(producers), published(database), PROPERTIES,
                new SimpleMeterRegistry());
    }

    public static PublishedEvents published(DataSource database) {
        return new PublishedEvents(JdbcClient.create(database));
    }
}
