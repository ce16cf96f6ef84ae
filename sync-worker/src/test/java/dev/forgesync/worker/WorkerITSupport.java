package dev.forgesync.worker;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.requests.SyncRequestCodec;
import dev.forgesync.requests.outbox.Rearm;
import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.TcpForwarder;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.onedev.OneDevStandIn;

/**
 * One worker context for every integration test class: real PostgreSQL, the in-process broker, a GitHub stand-in
 * (bare repositories over smart HTTP) and the OneDev stand-in, with short retry delays, a short claim TTL and short
 * database timeouts. Tests use unique repositories, so they never need to clean up each other's rows.
 *
 * <p>The worker reaches PostgreSQL through {@link #DATABASE}, a TCP forwarder a test may cut or black-hole; the
 * tests' own {@link #jdbc} goes straight to the database, so assertions work during an outage. A test that cuts it
 * restores it before it ends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class WorkerITSupport {

    /** Short, so tests can let a claim go stale; heartbeats every 300 ms keep a live one. */
    static final Duration CLAIM_TTL = Duration.ofSeconds(3);

    /** A canary: if it ever shows up in a row, a log line or a record, a secret leaked. */
    static final String ONEDEV_TOKEN = "canary-onedev-token-7f3c9a1e";

    static final Path ROOT = tempRoot();
    private static final Pattern HOST_PORT = Pattern.compile("//([^/]+)/");
    static final TcpForwarder DATABASE = databaseForwarder();
    static final GitHttpServer GITHUB = GitHttpServer.builder(ROOT.resolve("github")).start();
    static final OneDevStandIn ONEDEV = OneDevStandIn.start(ROOT.resolve("onedev"), ONEDEV_TOKEN);
    private static KafkaProducer<String, byte[]> producer;

    final JdbcClient jdbc = JdbcClient.create(TestDatabase.perRun().dataSource());
    /** The contract's re-arm, the statement ingest-service and control-service use. */
    final Rearm rearm = new Rearm(jdbc);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.perRun().springProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("spring.datasource.url", () -> throughForwarder(TestDatabase.perRun().jdbcUrl()));
        // The start-up warm-up runs in every context, small: its wiring is tested here, its mirror in JitWarmUpTest.
        registry.add("forgesync.git.warm-up-commits", () -> "20");
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("spring.datasource.hikari.data-source-properties[connectTimeout]", () -> "2");
        registry.add("spring.datasource.hikari.data-source-properties[socketTimeout]", () -> "3");
        registry.add("spring.datasource.hikari.data-source-properties[options]", () -> "-c statement_timeout=2000");
        TestKafka.springProperties().forEach((k, v) -> registry.add(k, () -> v));
        // A subclass points the workers elsewhere with forgesync.test.github-base-url (its own dynamic properties are
        // registered before these, so it cannot override this one directly).
        registry.add("forgesync.github.base-url", () -> "${forgesync.test.github-base-url:" + GITHUB.baseUri() + "}");
        registry.add("forgesync.onedev.url", () -> ONEDEV.baseUri().toString());
        registry.add("forgesync.onedev.token", () -> ONEDEV_TOKEN);
        registry.add("forgesync.mirror.cache-dir", () -> ROOT.resolve("cache").toString());
        registry.add("forgesync.mirror.mirror-deletions", () -> "true");
        registry.add("forgesync.sync.timeout", () -> "60s");
        registry.add("forgesync.sync.claim-ttl", () -> CLAIM_TTL.toMillis() + "ms");
        registry.add("forgesync.sync.heartbeat-interval", () -> "300ms");
        registry.add("forgesync.retry.database-initial-delay", () -> "200ms");
        registry.add("forgesync.retry.database-max-delay", () -> "1s");
        registry.add("forgesync.retry.initial-delay", () -> "500ms");
        registry.add("forgesync.retry.multiplier", () -> "2.0");
        registry.add("forgesync.retry.max-delay", () -> "2s");
        registry.add("forgesync.retry.attempts", () -> "4");
        // The test broker's count (TestKafka.PARTITIONS), not the production default: fewer partitions to assign.
        registry.add("forgesync.retry.topic-partitions", () -> Integer.toString(TestKafka.PARTITIONS));
    }

    @AfterAll
    static void closeProducer() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    /** Inserts the repositories row as ingest-service would and returns its id. */
    long registerRepository(String fullName, int maxRetries) {
        String owner = fullName.substring(0, fullName.indexOf('/'));
        String name = fullName.substring(fullName.indexOf('/') + 1);
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, max_retries)
                VALUES (:url, :name, :owner, :fullName, :maxRetries) RETURNING id""")
                .param("url", "https://github.com/" + fullName).param("name", name).param("owner", owner)
                .param("fullName", fullName).param("maxRetries", maxRetries)
                .query(Long.class).single();
    }

    /** Re-arms the row as ingest-service does on a new event, then publishes the request. */
    SyncRequest requestSync(long repositoryId, String fullName) {
        rearm.rearm(List.of(repositoryId), Rearm.FROM_FINAL);
        SyncRequest request = SyncRequest.of(repositoryId, fullName, "push", null, Instant.now());
        publish(request, null);
        return request;
    }

    static void publish(SyncRequest request, Integer partition) {
        send(new ProducerRecord<>(Topics.SYNC_REQUESTS, partition, request.key(), SyncRequestCodec.toBytes(request)));
    }

    static synchronized void send(ProducerRecord<String, byte[]> record) {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p);
        }
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String status(long id) {
        return jdbc.sql("SELECT sync_status FROM repositories WHERE id = :id").param("id", id).query(String.class).single();
    }

    Map<String, Object> row(long id) {
        return jdbc.sql("SELECT * FROM repositories WHERE id = :id").param("id", id).query().singleRow();
    }

    void awaitStatus(long id, String expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> expected.equals(status(id)));
    }

    /** Waits until the repository has {@code count} finished syncs (completed or failed, skips excluded). */
    void awaitFinishedSyncs(long id, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.sql("""
                SELECT COUNT(*) FROM sync_logs WHERE repository_id = :id
                  AND (event_type = 'sync_failed' OR (event_type = 'sync_completed' AND payload ->> 'startedAt' IS NOT NULL))""")
                .param("id", id).query(Long.class).single() >= count);
    }

    List<Map<String, Object>> logs(long id) {
        return jdbc.sql("SELECT * FROM sync_logs WHERE repository_id = :id ORDER BY id").param("id", id).query().listOfRows();
    }

    List<String> eventTypes(long id) {
        return logs(id).stream().map(r -> (String) r.get("event_type")).toList();
    }

    /** The latest real (not skipped) sync_completed row. */
    Map<String, Object> lastCompleted(long id) {
        return jdbc.sql("""
                SELECT * FROM sync_logs WHERE repository_id = :id AND event_type = 'sync_completed'
                  AND payload ->> 'startedAt' IS NOT NULL ORDER BY id DESC LIMIT 1""")
                .param("id", id).query().singleRow();
    }

    /** Records with {@code key} in the dead-letter topic, read from the beginning. */
    static List<ConsumerRecord<String, byte[]>> awaitDeadLetters(String key) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(Topics.SYNC_REQUESTS_DLT));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TcpForwarder databaseForwarder() {
        String url = TestDatabase.perRun().jdbcUrl();
        Matcher hostPort = HOST_PORT.matcher(url);
        if (!hostPort.find()) {
            throw new IllegalStateException("no host:port in " + url);
        }
        TcpForwarder forwarder = new TcpForwarder(TcpForwarder.freePort(), hostPort.group(1));
        try {
            forwarder.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return forwarder;
    }

    private static String throughForwarder(String url) {
        return HOST_PORT.matcher(url).replaceFirst("//" + DATABASE.address() + "/");
    }

    private static Path tempRoot() {
        try {
            return Files.createTempDirectory("forgesync-worker-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
