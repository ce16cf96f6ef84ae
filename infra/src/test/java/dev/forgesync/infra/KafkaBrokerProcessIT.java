package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.requests.SyncRequestCodec;
import dev.forgesync.schema.Topics;

/**
 * The real broker process of infra/bin/kafka.sh (the one ./forgesync start runs) on free ports, with its state
 * under target/: it starts, kafka-topics.sh creates forgesync.sync-requests, a SyncRequest goes through it, and
 * stop ends the process. The broker's jars are fetched by Maven once into target/kafka-it/kafka/libs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerProcessIT {

    private static final Path STATE_DIR = Path.of("target", "kafka-it").toAbsolutePath();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5); // includes the one-time jar download
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

    private static Map<String, String> env;
    private static String bootstrap;
    private static Instant publishedAt;
    private static SyncRequest sent;

    @BeforeAll
    static void startTheBrokerProcessOnFreePorts() throws IOException {
        int port = freePort();
        int controllerPort = freePort();
        while (controllerPort == port) {
            controllerPort = freePort();
        }
        env = Map.of(
                "FORGESYNC_STATE_DIR", STATE_DIR.toString(),
                "FORGESYNC_KAFKA_PORT", Integer.toString(port),
                "FORGESYNC_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
                "FORGESYNC_KAFKA_HEAP", "256m");
        bootstrap = "127.0.0.1:" + port;
        kafka("stop").runOk(); // a broker a killed earlier run left behind
        deleteRecursively(STATE_DIR.resolve("kafka").resolve("data"));
        kafka("start").timeout(START_TIMEOUT).runOk();
    }

    @AfterAll
    static void stopTheBrokerWhateverHappened() {
        kafka("stop").run();
        pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    @Order(1)
    void statusSaysRunningWithItsPidAndPort() {
        Script.Result status = kafka("status").runOk();

        assertThat(status.stdout()).contains("running pid " + pid().orElseThrow()).contains(bootstrap);
    }

    @Test
    @Order(2)
    void kafkaTopicsCreatesTheSyncRequestsTopicWithItsPartitionsAndRetention() throws Exception {
        topics().runOk();
        topics().runOk(); // --if-not-exists: a second run is harmless

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicDescription topic = admin.describeTopics(Set.of(Topics.SYNC_REQUESTS)).allTopicNames().get().get(Topics.SYNC_REQUESTS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SYNC_REQUESTS);
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);

            assertThat(topic.partitions()).hasSize(Topics.SYNC_REQUESTS_PARTITIONS);
            assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(Topics.SYNC_REQUESTS_RETENTION_MS));
        }
    }

    @Test
    @Order(3)
    void carriesASyncRequestFromProducerToConsumer() throws Exception {
        publishedAt = Instant.now();
        sent = SyncRequest.of(42, "acme/widgets", "push", UUID.randomUUID().toString(), publishedAt);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.SYNC_REQUESTS, sent.key(), SyncRequestCodec.toBytes(sent))).get();
        }

        SyncRequest received = consumeAndCommit("earliest", sent.key());

        assertThat(received).isEqualTo(sent);
    }

    @Test
    @Order(4)
    void consumerGroupResetToADatetimeReplaysTheRequestsSinceThen() {
        // The operators' replay (infra/README.md), with the workers' group stopped: offsets back to a moment in UTC.
        String since = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC)
                .format(publishedAt.minusSeconds(60)) + "Z";

        Script.Result reset = kafka("run-class", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                "--bootstrap-server", bootstrap, "--group", Topics.SYNC_WORKER_GROUP, "--reset-offsets",
                "--to-datetime", since, "--topic", Topics.SYNC_REQUESTS, "--execute").runOk();

        assertThat(reset.stdout()).contains(Topics.SYNC_REQUESTS);
        assertThat(consumeAndCommit("none", sent.key())).isEqualTo(sent);
    }

    @Test
    void logsThroughARollingFileAppenderUnderAPrivateStateFolder() throws IOException {
        Path home = STATE_DIR.resolve("kafka");

        assertThat(home.resolve("kafka.log")).content().contains("started (kafka.server");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(STATE_DIR)))
                .isEqualTo("rwx------");
        assertThat(Files.readString(home.resolve("kafka.out"))).doesNotContain("started (kafka.server");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stopEndsTheBrokerProcess() {
        long pid = pid().orElseThrow();

        kafka("stop").timeout(Duration.ofSeconds(60)).runOk();

        assertThat(kafka("status").run().stdout()).contains("stopped");
        // stop returns once the broker has exited; its new parent reaps it a moment later
        await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** Reads from the workers' group's committed position (or {@code offsetReset}) until the key shows up, then commits. */
    private static SyncRequest consumeAndCommit(String offsetReset, String key) {
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(offsetReset)) {
            consumer.subscribe(List.of(Topics.SYNC_REQUESTS));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                return received.stream().anyMatch(r -> key.equals(r.key()));
            });
            consumer.commitSync();
        }
        return received.stream().filter(r -> key.equals(r.key())).map(r -> SyncRequestCodec.fromBytes(r.value()))
                .findFirst().orElseThrow();
    }

    private static Script kafka(String... args) {
        return Script.bin("kafka.sh").args(args).env(env).timeout(TOOL_TIMEOUT);
    }

    private static Script topics() {
        return Script.bin("kafka-topics.sh").env(env).timeout(TOOL_TIMEOUT);
    }

    private static Optional<Long> pid() {
        Path file = STATE_DIR.resolve("kafka").resolve("kafka.pid");
        try {
            // kafka.sh writes "PID START" (the start time tells a reused PID apart)
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).strip().split("\\s+")[0])) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static KafkaConsumer<String, byte[]> consumer(String offsetReset) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, Topics.SYNC_WORKER_GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
