package dev.forgesync.ingest.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.Rows;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestKafka;

/**
 * The process died between commit and publish: committed rows are {@code processed = false} and no request was
 * sent. A freshly started instance's relay publishes them and marks them processed.
 */
class RelayAfterRestartIT {

    @Test
    void publishesRowsCommittedBeforeACrash() {
        long githubId = 700_000_000L + System.nanoTime() % 100_000_000L;
        long repositoryId = Rows.jdbc().sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id)
                VALUES (:url, 'repo', :owner, :fullName, :githubId) RETURNING id""")
                .param("url", "https://github.com/crash" + githubId + "/repo")
                .param("owner", "crash" + githubId)
                .param("fullName", "crash" + githubId + "/repo")
                .param("githubId", githubId)
                .query(Long.class).single();
        List<String> deliveries = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        for (String deliveryId : deliveries) {
            Rows.jdbc().sql("""
                    INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                                received_at, repository_id)
                    VALUES (:id, 'push', :id, '{}'::jsonb, 'sha256=00', FALSE, NOW() - INTERVAL '1 minute', :repositoryId)""")
                    .param("id", deliveryId).param("repositoryId", repositoryId).update();
        }

        try (ConfigurableApplicationContext restarted = IngestContexts.start(Map.of())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deliveries)
                    .allSatisfy(id -> assertThat(Rows.event(id).orElseThrow().processed()).isTrue()));
        }

        for (String deliveryId : deliveries) {
            assertThat(Rows.event(deliveryId).orElseThrow().processedAt()).isNotNull();
            assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId))
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.key()).isEqualTo(Long.toString(repositoryId));
                        assertThat(p.request().fullName()).isEqualTo("crash" + githubId + "/repo");
                        assertThat(p.request().trigger()).isEqualTo("push");
                    });
        }
    }
}
