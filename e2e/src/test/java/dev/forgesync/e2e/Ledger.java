package dev.forgesync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.Webhooks;

/**
 * The invariant every run checks. Records every delivery sent (id, answer, repository); redelivers those that got
 * no 2xx, as an operator would; waits until the pipeline is quiet; then asserts: one webhook_events row per 2xx
 * delivery, nothing pending or in progress, every repository either {@code completed} with OneDev's refs equal
 * to the source's (and every object behind them present) or {@code permanent_failure} with a reason and the
 * failed attempts in sync_logs.
 */
final class Ledger {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    /** One delivery and every answer it got. */
    record Entry(Webhooks.Delivery delivery, String fullName, List<Integer> answers, List<Duration> latencies) {
        int lastAnswer() {
            return answers.get(answers.size() - 1);
        }

        boolean acknowledged() {
            return answers.stream().anyMatch(Ledger::is2xx);
        }
    }

    private final Pipeline pipeline;
    private final List<Entry> entries = new ArrayList<>();

    Ledger(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** POSTs a signed delivery for {@code fullName} to ingest and records its answer (0: no answer at all). */
    int send(Webhooks.Delivery delivery, String fullName) {
        Entry entry = new Entry(delivery, fullName, new java.util.concurrent.CopyOnWriteArrayList<>(),
                new java.util.concurrent.CopyOnWriteArrayList<>());
        synchronized (entries) {
            entries.add(entry);
        }
        return post(entry);
    }

    /** A push event for {@code fullName} (GitHub id derived from the name), sent and recorded. */
    int push(String fullName) {
        return send(delivery("push", "push.payload.json", fullName), fullName);
    }

    static Webhooks.Delivery delivery(String event, String file, String fullName) {
        return Webhooks.forRepository(event, file, Pipeline.SECRET, fullName, githubId(fullName));
    }

    static long githubId(String fullName) {
        return 1_000_000L + (fullName.hashCode() & 0x7fffffffL);
    }

    /** Sends a delivery already sent once again, with the same id (GitHub's or an operator's redelivery). */
    int resend(Webhooks.Delivery delivery) {
        Entry entry;
        synchronized (entries) {
            entry = entries.stream().filter(e -> e.delivery().deliveryId().equals(delivery.deliveryId()))
                    .findFirst().orElseThrow();
        }
        return post(entry);
    }

    List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** Redelivers (bounded) every delivery whose answers so far include no 2xx, until each gets one. */
    void redeliverUnacknowledged(Duration atMost) {
        // pollDelay(ZERO): with a fixed poll interval Awaitility waits one interval before its first check, which
        // cost every balance a second even when every delivery was already acknowledged (the usual case).
        await("every delivery acknowledged").atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
            List<Entry> open = entries().stream().filter(e -> !e.acknowledged()).toList();
            open.forEach(this::post);
            return entries().stream().allMatch(Entry::acknowledged);
        });
    }

    /** Redelivers what needs it, waits for quiet, asserts the invariant. */
    void balance(Duration atMost) {
        redeliverUnacknowledged(Duration.ofSeconds(90));
        awaitQuiet(atMost);
        assertBalanced();
    }

    /**
     * Waits until nothing is left to do: rows terminal, outbox published, consumer groups caught up, mirrors equal.
     * Fails at once, instead of at the deadline, when a repository is stranded (see {@link #stranded()}).
     */
    void awaitQuiet(Duration atMost) {
        await("pipeline quiet").atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .failFast("a repository is stranded: pending or in_progress with nothing in flight", () -> !stranded().isEmpty())
                .ignoreExceptions().untilAsserted(() -> {
            assertThat(pipeline.query("SELECT id FROM repositories WHERE sync_status NOT IN ('completed','permanent_failure')"))
                    .as("repositories not yet completed or permanently failed").isEmpty();
            assertThat(pipeline.query("SELECT event_id FROM webhook_events WHERE processed IS NOT TRUE"))
                    .as("webhook events not yet published").isEmpty();
            assertThat(consumerLag()).as("records not yet consumed").isZero();
            assertMirrorsEqualSources();
        });
    }

    /** The invariant; fails the run when the ledger does not balance. */
    void assertBalanced() {
        List<Entry> all = entries();
        Map<String, Long> rowsPerDelivery = new HashMap<>();
        for (Map<String, Object> row : pipeline.query("SELECT event_id, count(*) AS n FROM webhook_events GROUP BY event_id")) {
            rowsPerDelivery.put((String) row.get("event_id"), ((Number) row.get("n")).longValue());
        }
        for (Entry e : all) {
            assertThat(e.acknowledged()).as("delivery %s acknowledged", e.delivery().deliveryId()).isTrue();
            assertThat(rowsPerDelivery.getOrDefault(e.delivery().deliveryId(), 0L))
                    .as("webhook_events rows of delivery %s", e.delivery().deliveryId()).isEqualTo(1L);
        }
        assertThat(pipeline.query("SELECT id FROM repositories WHERE sync_status IN ('pending','in_progress','failed')"))
                .as("repositories left pending, in progress or failed").isEmpty();
        try {
            assertThat(stranded()).as("repositories stranded with nothing in flight").isEmpty();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("could not read the consumer lag", e);
        }
        for (String name : repositories()) {
            Map<String, Object> repo = pipeline.repository(name);
            assertThat(repo).as("repository row of %s", name).isNotEmpty();
            String status = (String) repo.get("sync_status");
            if ("completed".equals(status)) {
                assertThat(GitRepos.refs(pipeline.mirror(name).orElseThrow()))
                        .as("OneDev refs of %s", name).isEqualTo(GitRepos.refs(pipeline.source(name)));
                GitRepos.assertFullyConnected(pipeline.mirror(name).orElseThrow());
            } else {
                assertThat(status).as("status of %s", name).isEqualTo("permanent_failure");
                assertThat((String) repo.get("error_message")).as("reason of %s", name).isNotBlank();
                assertThat(pipeline.query("SELECT id FROM sync_logs WHERE repository_id = ? AND event_type = 'sync_failed'",
                        repo.get("id"))).as("failed attempts of %s in sync_logs", name).isNotEmpty();
            }
        }
    }

    /**
     * Repositories left {@code pending} or {@code in_progress} with nothing in flight for them: no unpublished outbox
     * row, every consumer group at the end of every sync-request topic, and the row untouched (no heartbeat, no
     * re-request) for longer than {@link Pipeline#STRANDED_AFTER}, the longest the pipeline's own recovery may take.
     * Such a row would wait for ever for an event or an operator; the pipeline must never leave one.
     */
    List<String> stranded() throws InterruptedException, ExecutionException {
        List<String> suspects = pipeline.query("""
                SELECT r.github_full_name || ' (' || r.sync_status || ')' AS name FROM repositories r
                WHERE r.sync_status IN ('pending', 'in_progress')
                  AND r.updated_at < NOW() - make_interval(secs => ?)
                  AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.repository_id = r.id AND e.processed IS NOT TRUE)""",
                (double) Pipeline.STRANDED_AFTER.toSeconds()).stream().map(r -> (String) r.get("name")).toList();
        return suspects.isEmpty() || consumerLag() > 0 ? List.of() : suspects;
    }

    Set<String> repositories() {
        return entries().stream().map(Entry::fullName).filter(n -> n != null)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    String status(String fullName) {
        return (String) pipeline.repository(fullName).get("sync_status");
    }

    private void assertMirrorsEqualSources() {
        for (String name : repositories()) {
            Map<String, Object> repo = pipeline.repository(name);
            if ("completed".equals(repo.get("sync_status"))) {
                assertThat(pipeline.mirror(name)).as("OneDev project of %s", name).isPresent();
                assertThat(GitRepos.refs(pipeline.mirror(name).get())).as("OneDev refs of %s", name)
                        .isEqualTo(GitRepos.refs(pipeline.source(name)));
            }
        }
    }

    /** Records behind the committed offsets of the workers' groups, over every forgesync.sync-requests* topic. */
    long consumerLag() throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.broker().bootstrapServers(), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000))) {
            Set<String> topics = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(Topics.SYNC_REQUESTS)).collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
                d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            Map<TopicPartition, Long> committed = new HashMap<>();
            Collection<String> groups = admin.listConsumerGroups().all().get().stream()
                    .map(g -> g.groupId()).filter(g -> g.startsWith(Topics.SYNC_WORKER_GROUP)).toList();
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                offsets.forEach((tp, o) -> {
                    if (o != null) {
                        committed.merge(tp, o.offset(), Math::max);
                    }
                });
            }
            long lag = 0;
            for (var e : ends.entrySet()) {
                lag += Math.max(0, e.getValue().offset() - committed.getOrDefault(e.getKey(), 0L));
            }
            return lag;
        }
    }

    private int post(Entry entry) {
        Webhooks.Delivery d = entry.delivery();
        HttpRequest request = HttpRequest.newBuilder(URI.create(pipeline.ingest().baseUrl() + "/webhooks/github"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", d.event())
                .header("X-GitHub-Delivery", d.deliveryId())
                .header("X-Hub-Signature-256", d.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                .build();
        long start = System.nanoTime();
        int status;
        try {
            status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        entry.latencies().add(Duration.ofNanos(System.nanoTime() - start));
        entry.answers().add(status);
        return status;
    }

    static boolean is2xx(int status) {
        return status >= 200 && status < 300;
    }
}
