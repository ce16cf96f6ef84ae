package dev.forgesync.testsupport;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One in-process Kafka broker (KRaft, spring-kafka-test) per JVM, started on first use and stopped at exit.
 * Topics are created on first use (auto-create), with the partition count given here.
 */
public final class TestKafka {

    /** Partitions for auto-created topics: more than one, so keying by repository matters in tests. */
    public static final int PARTITIONS = 4;

    private static volatile EmbeddedKafkaKraftBroker broker;

    private TestKafka() {
    }

    /** The broker's bootstrap servers, e.g. {@code 127.0.0.1:39211}. */
    public static String bootstrapServers() {
        return broker().getBrokersAsString();
    }

    public static EmbeddedKafkaKraftBroker broker() {
        EmbeddedKafkaKraftBroker b = broker;
        if (b == null) {
            synchronized (TestKafka.class) {
                b = broker;
                if (b == null) {
                    b = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
                    b.brokerProperties(Map.of(
                            "group.initial.rebalance.delay.ms", "0",
                            "offsets.topic.num.partitions", "1",
                            "auto.create.topics.enable", "true",
                            "num.partitions", Integer.toString(PARTITIONS)));
                    b.afterPropertiesSet();
                    EmbeddedKafkaKraftBroker started = b;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "stop-test-kafka"));
                    broker = b;
                }
            }
        }
        return b;
    }

    /** Spring Boot property that points a context at this broker. */
    public static Map<String, String> springProperties() {
        return Map.of("spring.kafka.bootstrap-servers", bootstrapServers());
    }
}
