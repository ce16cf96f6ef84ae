package dev.forgesync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.Webhooks;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pipeline across real processes (broker, PostgreSQL, ingest-service, two sync-workers) with faults that
 * heal: each scenario sends signed webhooks, injects its fault, and ends with the ledger balanced.
 * One stack for the class (JVM start-up is the expensive part on two cores); scenarios run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    static Pipeline pipeline;
    static Ledger ledger;

    @BeforeAll
    static void startThePipeline() {
        pipeline = Pipeline.start("pipeline", Pipeline.options().workers(2));
        ledger = new Ledger(pipeline);
    }

    @AfterAll
    static void stopEverything() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void mirrorsSeveralRepositoriesWithDuplicatesAndOutOfOrderEvents() {
        List<String> names = List.of("octo/alpha", "octo/beta", "acme/gamma", "acme/delta");
        names.forEach(pipeline::createSource);
        for (String name : names) {
            assertThat(ledger.send(Ledger.delivery("star", "star.created.json", name), name)).isEqualTo(202);
        }
        Webhooks.Delivery duplicated = Ledger.delivery("push", "push.payload.json", "octo/alpha");
        assertThat(ledger.send(duplicated, "octo/alpha")).isEqualTo(202);
        for (int i = 0; i < 9; i++) {
            assertThat(ledger.resend(duplicated)).isEqualTo(200);
        }
        // Out of order: the push for the newer commit arrives before the one for the older commit.
        GitRepos.commit(pipeline.source("acme/gamma"), "master", "one.txt", "first change");
        Webhooks.Delivery older = Ledger.delivery("push", "push.payload.json", "acme/gamma");
        GitRepos.commit(pipeline.source("acme/gamma"), "master", "two.txt", "second change");
        Webhooks.Delivery newer = Ledger.delivery("push", "push.payload.json", "acme/gamma");
        assertThat(ledger.send(newer, "acme/gamma")).isEqualTo(202);
        assertThat(ledger.send(older, "acme/gamma")).isEqualTo(202);

        ledger.balance(SETTLE);

        names.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
        assertThat(pipeline.query("SELECT id FROM webhook_events WHERE event_id = ?", duplicated.deliveryId())).hasSize(1);
        assertThat(pipeline.onedev().projects().stream().filter(p -> p.path().equals("github/octo/alpha"))).hasSize(1);
    }

    @Test
    @Order(2)
    void poisonRecordGoesToTheDeadLetterTopicAndTheNextRequestIsSynced() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.broker().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.SYNC_REQUESTS, "1", "{not json".getBytes())).get();
            producer.send(new ProducerRecord<>(Topics.SYNC_REQUESTS, "1", "{\"version\":99}".getBytes())).get();
        }
        pipeline.createSource("octo/after-poison");
        assertThat(ledger.push("octo/after-poison")).isEqualTo(202);

        ledger.balance(SETTLE);

        assertThat(ledger.status("octo/after-poison")).isEqualTo("completed");
    }

    @Test
    @Order(3)
    void brokerKilledThenPausedWhileWebhooksArriveEverythingIsPublishedLater() {
        List<String> killed = List.of("kafka/killed-1", "kafka/killed-2", "kafka/killed-3");
        List<String> paused = List.of("kafka/paused-1", "kafka/paused-2", "kafka/paused-3");
        killed.forEach(pipeline::createSource);
        paused.forEach(pipeline::createSource);

        pipeline.broker().kill9();
        for (String name : killed) {
            assertThat(ledger.push(name)).as("answer while the broker is dead").isEqualTo(202);
        }
        pipeline.broker().restart();
        ledger.balance(SETTLE);

        pipeline.broker().pause();
        try {
            for (String name : paused) {
                assertThat(ledger.push(name)).as("answer while the broker is stopped").isEqualTo(202);
            }
        } finally {
            pipeline.broker().resume();
        }
        ledger.balance(SETTLE);

        killed.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
        paused.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
    }

    @Test
    @Order(4)
    void workerKilledBetweenFetchAndPushAnotherWorkerFinishes() {
        String name = "crash/mid-fetch";
        pipeline.createSource(name);
        pipeline.github().delay(Duration.ofMillis(1500));
        ServiceProcess victim;
        try {
            assertThat(ledger.push(name)).isEqualTo(202);
            victim = await("a worker fetching " + name).atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.workerWithCacheOf(name).orElse(null), w -> w != null);
            assertThat(syncLogs(name, "push_started")).as("nothing pushed yet").isEmpty();
            victim.kill9();
        } finally {
            pipeline.github().delay(Duration.ZERO);
        }
        pipeline.removeWorker(victim);
        pipeline.addWorker();

        ledger.balance(Duration.ofSeconds(120));

        assertThat(ledger.status(name)).isEqualTo("completed");
        GitRepos.assertFullyConnected(pipeline.mirror(name).orElseThrow());
    }

    @Test
    @Order(5)
    void workerKilledDuringPushBeforeItsOffsetIsCommittedAnotherWorkerConverges() {
        String name = "crash/mid-push";
        pipeline.createSource(name);
        // Enough to push that a kill lands inside it: a few commits of incompressible content.
        for (int i = 0; i < 4; i++) {
            GitRepos.commit(pipeline.source(name), "master", "blob-" + i + ".bin", randomBytes(512 * 1024));
        }
        ServiceProcess victim;
        pipeline.onedev().delay(Duration.ofMillis(1500));
        try {
            assertThat(ledger.push(name)).isEqualTo(202);
            await("push started for " + name).atMost(Duration.ofSeconds(60)).until(() -> !syncLogs(name, "push_started").isEmpty());
            victim = pipeline.workerWithCacheOf(name).orElseThrow();
            victim.kill9();
        } finally {
            pipeline.onedev().delay(Duration.ZERO);
        }
        assertThat(syncLogs(name, "sync_completed")).as("the killed sync never completed").isEmpty();
        pipeline.removeWorker(victim);
        pipeline.addWorker();

        ledger.balance(Duration.ofSeconds(120));

        assertThat(ledger.status(name)).isEqualTo("completed");
        GitRepos.assertFullyConnected(pipeline.mirror(name).orElseThrow());
        assertThat(pipeline.onedev().projects().stream().filter(p -> p.path().equals("github/" + name))).hasSize(1);
    }

    @Test
    @Order(6)
    void ingestKilledMidRequestTheUnansweredDeliveriesAreRedeliveredAndNothingIsLost() throws Exception {
        List<String> names = List.of("ingest/k1", "ingest/k2", "ingest/k3", "ingest/k4");
        names.forEach(pipeline::createSource);
        int before = ledger.entries().size();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 60; i++) {
                String name = names.get(i % names.size());
                senders.submit(() -> ledger.push(name));
            }
            await("some deliveries answered").atMost(Duration.ofSeconds(30))
                    .until(() -> ledger.entries().stream().skip(before).filter(e -> !e.answers().isEmpty()).count() >= 12);
            pipeline.ingest().kill9();
        } finally {
            senders.shutdown();
            assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        List<Ledger.Entry> sent = ledger.entries().subList(before, ledger.entries().size());
        assertThat(sent).hasSize(60);
        assertThat(sent.stream().filter(e -> !e.acknowledged())).as("deliveries without a 2xx").isNotEmpty();

        pipeline.restartIngest();
        ledger.balance(SETTLE);

        names.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
    }

    @Test
    @Order(7)
    void oneDevAnswering5xxThenNothingIsRetriedUntilItHeals() {
        String failing = "onedev/answers-503";
        pipeline.createSource(failing);
        pipeline.onedev().failApiWith(503);
        try {
            assertThat(ledger.push(failing)).isEqualTo(202);
            awaitFailure(failing, "onedev_http_503");
        } finally {
            pipeline.onedev().failApiWith(0);
        }
        ledger.balance(SETTLE);
        assertThat(ledger.status(failing)).isEqualTo("completed");

        String silent = "onedev/answers-nothing";
        pipeline.createSource(silent);
        pipeline.onedev().delay(Duration.ofSeconds(5)); // beyond the worker's 3 s request timeout
        try {
            assertThat(ledger.push(silent)).isEqualTo(202);
            awaitFailure(silent, "onedev_unreachable");
        } finally {
            pipeline.onedev().delay(Duration.ZERO);
        }
        ledger.balance(SETTLE);
        assertThat(ledger.status(silent)).isEqualTo("completed");
        assertThat(syncLogs(silent, "retry_attempted")).isNotEmpty();
    }

    @Test
    @Order(8)
    void oneDevRejectingTheTokenIsAPermanentFailureUntilAnEventAfterTheFix() {
        String name = "onedev/answers-401";
        pipeline.createSource(name);
        pipeline.onedev().acceptOnlyToken("a-rotated-token");
        try {
            assertThat(ledger.push(name)).isEqualTo(202);
            await("permanent failure of " + name).atMost(SETTLE).until(() -> "permanent_failure".equals(ledger.status(name)));
        } finally {
            pipeline.onedev().acceptOnlyToken(Pipeline.CANARY);
        }
        ledger.balance(SETTLE);
        assertThat(syncLogs(name, "sync_failed")).extracting(r -> r.get("error_code")).containsExactly("onedev_http_401");

        assertThat(ledger.push(name)).isEqualTo(202); // the operator fixed the token; the next event re-arms
        ledger.balance(SETTLE);
        assertThat(ledger.status(name)).isEqualTo("completed");
    }

    @Test
    @Order(9)
    void gitRemoteUnreachableIsRetriedInDueOrderThenPermanentWhileIngestStaysFast() {
        String name = "github/unreachable";
        pipeline.createSource(name);
        pipeline.githubDown();
        List<Ledger.Entry> pings = new ArrayList<>();
        try {
            assertThat(ledger.push(name)).isEqualTo(202);
            for (int i = 0; i < 10; i++) {
                assertThat(ledger.send(Webhooks.of("ping", "ping.payload.json", Pipeline.SECRET), null)).isEqualTo(200);
                pings.add(ledger.entries().get(ledger.entries().size() - 1));
            }
            await("permanent failure of " + name).atMost(SETTLE).until(() -> "permanent_failure".equals(ledger.status(name)));
        } finally {
            pipeline.githubUp();
        }
        ledger.balance(SETTLE);

        List<Map<String, Object>> failures = syncLogs(name, "sync_failed");
        assertThat(failures).hasSize(4); // the first attempt and max_retries (3) retries
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < failures.size(); i++) {
            gaps.add(Duration.between(((Timestamp) failures.get(i - 1).get("created_at")).toInstant(),
                    ((Timestamp) failures.get(i).get("created_at")).toInstant()));
        }
        assertThat(gaps.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(gaps.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(1800));
        assertThat(gaps.get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(3600));
        assertThat(syncLogs(name, "retry_attempted")).hasSize(3);
        pings.forEach(p -> assertThat(p.latencies().get(0)).isLessThan(Duration.ofSeconds(2)));
    }

    @Test
    @Order(10)
    void redirectFromTheGitHubHostIsRefused() {
        String name = "security/redirected";
        pipeline.createSource(name);
        try (GitHttpServer elsewhere = GitHttpServer.builder(pipeline.github().root()).start()) {
            pipeline.github().redirectTo(elsewhere.baseUri());
            try {
                assertThat(ledger.push(name)).isEqualTo(202);
                await("permanent failure of " + name).atMost(SETTLE).until(() -> "permanent_failure".equals(ledger.status(name)));
            } finally {
                pipeline.github().redirectTo(null);
            }
            assertThat(elsewhere.requests()).as("requests that reached the redirect's target").isEmpty();
        }
        ledger.balance(SETTLE);
        assertThat(syncLogs(name, "sync_failed")).extracting(r -> r.get("error_code")).containsOnly("disallowed_remote");
        assertThat(pipeline.mirror(name)).as("no OneDev project for a refused source").isEmpty();
    }

    @Test
    @Order(11)
    void payloadNamingAnotherCloneHostOrAFileUrlCannotChooseTheSource() throws Exception {
        String name = "security/payload-urls";
        pipeline.createSource(name);
        Path evilRoot = Files.createTempDirectory("e2e-evil-");
        try (GitHttpServer evil = GitHttpServer.builder(evilRoot).start()) {
            Path evilRepo = evil.createBareRepository(name);
            GitRepos.commit(evilRepo, "master", "evil.txt", "not the source");
            byte[] body = Webhooks.withRepository(Webhooks.payload("push.payload.json"), name, Ledger.githubId(name));
            JsonMapper json = JsonMapper.builder().build();
            ObjectNode root = (ObjectNode) json.readTree(body);
            ObjectNode repo = (ObjectNode) root.get("repository");
            repo.put("clone_url", evil.cloneUri(name).toString());
            repo.put("git_url", evil.cloneUri(name).toString());
            repo.put("svn_url", evil.baseUri() + "/" + name);
            repo.put("mirror_url", evilRepo.toUri().toString());
            repo.put("ssh_url", "file://" + evilRepo);
            repo.put("url", evil.baseUri() + "/repos/" + name);
            byte[] forged = json.writeValueAsBytes(root);
            Webhooks.Delivery delivery = new Webhooks.Delivery("push", UUID.randomUUID().toString(), forged,
                    Webhooks.sign(Pipeline.SECRET, forged));
            assertThat(ledger.send(delivery, name)).isEqualTo(202);

            ledger.balance(SETTLE);

            assertThat(ledger.status(name)).isEqualTo("completed");
            assertThat(evil.requests()).as("requests that reached the payload's host").isEmpty();
            assertThat(GitRepos.refs(pipeline.mirror(name).orElseThrow())).doesNotContainValue(
                    GitRepos.refs(evilRepo).get("refs/heads/master"));
        } finally {
            KafkaBroker.deleteRecursively(evilRoot);
        }
    }

    @Test
    @Order(100)
    void canaryTokenNeverAppearsInLogsDatabaseOrCaches() throws Exception {
        ledger.balance(SETTLE);
        CanaryScan.Findings findings = CanaryScan.of(Pipeline.CANARY)
                .files(pipeline.logDir())
                .file(pipeline.broker().logFile())
                .files(pipeline.cacheDirs())
                .database(pipeline)
                .scan();

        assertThat(findings.scannedFiles()).as("files scanned").isGreaterThan(3);
        assertThat(findings.scannedDatabaseValues()).as("database rows scanned").isGreaterThan(10);
        assertThat(findings.hits()).as("places holding the canary token").isEmpty();
    }

    private static List<Map<String, Object>> syncLogs(String fullName, String eventType) {
        return pipeline.query("SELECT l.* FROM sync_logs l JOIN repositories r ON r.id = l.repository_id "
                + "WHERE r.github_full_name = ? AND l.event_type = ? ORDER BY l.id", fullName, eventType);
    }

    private static void awaitFailure(String fullName, String code) {
        await(code + " recorded for " + fullName).atMost(Duration.ofSeconds(60))
                .until(() -> syncLogs(fullName, "sync_failed").stream().anyMatch(r -> code.equals(r.get("error_code"))));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
