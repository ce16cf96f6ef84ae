package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.TestKafka;

/**
 * The Kafka way of replaying, as the runbook does it with {@code kafka-consumer-groups --reset-offsets --to-earliest}:
 * the workers stop, the group's offsets on {@code forgesync.sync-requests} go back to the start, the workers start
 * again and consume everything once more. The database stays consistent, no second OneDev project appears, and the
 * only new rows are log lines.
 */
class KafkaReplayIT extends WorkerITSupport {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private Admin admin;

    @BeforeEach
    void admin() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
    }

    @AfterEach
    void close() {
        if (!listeners.isRunning()) {
            listeners.start();
        }
        admin.close(Duration.ofSeconds(5));
    }

    @Test
    void replayFromOffsetZeroOnlyAddsLogLinesAndCreatesNoSecondOneDevProject() throws Exception {
        String fullNameA = unique("replay") + "/" + unique("alpha");
        String fullNameB = unique("replay") + "/" + unique("beta");
        try (SourceRepo a = MirrorIT.source(fullNameA); SourceRepo b = MirrorIT.source(fullNameB)) {
            RevCommit first = a.commit("main", "README.md", "alpha");
            a.commit("feature", "f.txt", "feature");
            a.annotatedTag("v1", first);
            b.commit("main", "README.md", "beta");
            long idA = registerRepository(fullNameA, 3);
            long idB = registerRepository(fullNameB, 3);
            requestSync(idA, fullNameA);
            requestSync(idB, fullNameB);
            awaitStatus(idA, "completed");
            awaitStatus(idB, "completed");
            requestSync(idA, fullNameA);
            awaitFinishedSyncs(idA, 2);

            Map<String, Object> rowA = withoutTimestamps(row(idA));
            Map<String, Object> rowB = withoutTimestamps(row(idB));
            List<Map<String, Object>> logsA = logs(idA);
            List<Map<String, Object>> logsB = logs(idB);
            int projects = ONEDEV.projects().size();
            String webhookEvents = webhookEventsSnapshot();

            replayFromOffsetZero();

            awaitLogLines(idA, logsA.size() + 2);
            awaitLogLines(idB, logsB.size() + 1);
            awaitGroupCaughtUp();
            assertThat(withoutTimestamps(row(idA))).isEqualTo(rowA);
            assertThat(withoutTimestamps(row(idB))).isEqualTo(rowB);
            assertThat(logs(idA)).startsWith(logsA.toArray(Map[]::new));
            assertThat(logs(idB)).startsWith(logsB.toArray(Map[]::new));
            assertThat(logs(idA).subList(logsA.size(), logs(idA).size()))
                    .allSatisfy(line -> assertThat(line.get("event_type")).isEqualTo("sync_completed"));
            assertThat(ONEDEV.projects()).hasSize(projects);
            assertOneProjectMirroring(idA, a);
            assertOneProjectMirroring(idB, b);
            assertThat(webhookEventsSnapshot()).isEqualTo(webhookEvents);
        }
    }

    @Test
    void afterARestoreThatLostTheSyncTheReplayedRequestSyncsAgainIntoTheSameOneDevProject() throws Exception {
        String fullName = unique("restored") + "/" + unique("repo");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "README.md", "before the backup");
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitStatus(id, "completed");
            long projectId = ((Number) row(id).get("onedev_project_id")).longValue();
            // As a database restored from a dump taken before that sync: the row is pending again, its OneDev fields
            // and its sync_logs are gone, while the OneDev project and the Kafka record remain.
            jdbc.sql("""
                    UPDATE repositories SET sync_status = 'pending', onedev_url = NULL, onedev_repo_name = NULL,
                           onedev_project_id = NULL, last_synced_at = NULL, last_sync_started_at = NULL,
                           claimed_at = NULL WHERE id = :id""").param("id", id).update();
            jdbc.sql("DELETE FROM sync_logs WHERE repository_id = :id").param("id", id).update();
            source.commit("main", "after.txt", "pushed while the database was being restored");
            int projects = ONEDEV.projects().size();

            replayFromOffsetZero();

            awaitStatus(id, "completed");
            awaitGroupCaughtUp();
            assertThat(((Number) row(id).get("onedev_project_id")).longValue()).isEqualTo(projectId);
            assertThat(ONEDEV.projects()).hasSize(projects);
            assertOneProjectMirroring(id, source);
        }
    }

    /** {@code kafka-consumer-groups --group forgesync-sync-workers --reset-offsets --to-earliest --execute}. */
    private void replayFromOffsetZero() throws Exception {
        listeners.stop();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> admin
                .describeConsumerGroups(List.of(Topics.SYNC_WORKER_GROUP)).all().get()
                .get(Topics.SYNC_WORKER_GROUP).members().isEmpty());
        Map<TopicPartition, OffsetAndMetadata> earliest = offsets(OffsetSpec.earliest()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        assertThat(earliest.values()).allSatisfy(o -> assertThat(o.offset()).isZero());
        admin.alterConsumerGroupOffsets(Topics.SYNC_WORKER_GROUP, earliest).all().get();
        listeners.start();
    }

    /** Every record of the main topic consumed again (so the replay is over before the assertions end the test). */
    private void awaitGroupCaughtUp() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Map<TopicPartition, Long> end = offsets(OffsetSpec.latest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(Topics.SYNC_WORKER_GROUP).partitionsToOffsetAndMetadata().get();
            return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || (committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue()));
        });
    }

    private Map<TopicPartition, Long> offsets(OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(Topics.SYNC_REQUESTS)).allTopicNames().get().get(Topics.SYNC_REQUESTS)
                .partitions().forEach(p -> request.put(new TopicPartition(Topics.SYNC_REQUESTS, p.partition()), spec));
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private void awaitLogLines(long id, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> logs(id).size() >= count);
    }

    private void assertOneProjectMirroring(long id, SourceRepo source) {
        Map<String, Object> row = row(id);
        long projectId = ((Number) row.get("onedev_project_id")).longValue();
        String path = (String) row.get("onedev_repo_name");
        assertThat(ONEDEV.projects()).filteredOn(p -> p.path().equalsIgnoreCase(path)).hasSize(1)
                .allSatisfy(p -> assertThat(p.id()).isEqualTo(projectId));
        assertThat(SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId))).isEqualTo(source.refs());
    }

    private static Map<String, Object> withoutTimestamps(Map<String, Object> row) {
        Map<String, Object> copy = new HashMap<>(row);
        copy.remove("updated_at");
        copy.remove("last_synced_at");
        return copy;
    }

    private String webhookEventsSnapshot() {
        return jdbc.sql("SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' || COALESCE(SUM(hashtext(webhook_events::text)), 0) FROM webhook_events")
                .query(String.class).single();
    }
}
