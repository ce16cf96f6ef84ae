package dev.forgesync.control.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.github.GithubApiStandIn;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Verified freshness with the sweep running every 300 ms and a 2 s interval, against git repositories served by the
 * GitHub stand-in, on a database of its own and the run's Kafka broker. A mirrored repository's row is written the
 * way sync-worker writes it on completion (the digest of the source's tips it fetched and pushed).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FreshnessIT {

    static final String TOKEN = "ghp_freshness_standin_token";
    static final TestDatabase DB = migrated();
    static final GithubApiStandIn GITHUB = GithubApiStandIn.start(SourceTips.tempDir(), TOKEN);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.register(registry, DB, GITHUB);
        registry.add("forgesync.github.token", () -> TOKEN);
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.freshness.interval", () -> "2s");
        registry.add("forgesync.freshness.tick", () -> "300ms");
    }

    @Autowired
    MeterRegistry meters;

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private final MirroredRows rows = new MirroredRows(jdbc, GITHUB);

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE sync_logs, webhook_events, repositories RESTART IDENTITY CASCADE").update();
    }

    @AfterAll
    static void stopGithub() {
        GITHUB.close();
    }

    @Test
    void aPushWithNoWebhookIsSeenAsDriftAndRequestedAndTheNextSyncMakesItFreshAgain() {
        GITHUB.createRepository("drift/app");
        long id = rows.mirrored("drift/app");
        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("fresh"));

        GITHUB.commit("drift/app", "feature", "new.txt", "missed by every webhook");

        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("stale"));
        assertThat(status(id)).isEqualTo("pending");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE event_type = 'drift' AND repository_id = :id")
                .param("id", id).query(Long.class).single()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> SyncRequestsTopic.readAll(TestKafka.bootstrapServers())
                .stream().anyMatch(p -> p.request().repositoryId() == id && "drift".equals(p.request().trigger())));
        assertThat(meters.get("forgesync.freshness.repositories").tag("state", "stale").gauge().value()).isEqualTo(1);

        rows.workerCompletes(id, "drift/app");
        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("fresh"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE event_type = 'drift'").query(Long.class)
                .single()).isEqualTo(1);
    }

    @Test
    void aRepositoryDeletedUpstreamBecomesSourceGoneAndItsMirrorIsKept() {
        GITHUB.createRepository("gone/app");
        long id = rows.mirrored("gone/app");
        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("fresh"));

        GITHUB.delete("gone/app");

        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("source_gone"));
        assertThat(status(id)).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events").query(Long.class).single()).isZero();
    }

    @Test
    void aFailingSyncIsFailingAndARefusedTokenIsAuthBroken() {
        GITHUB.createRepository("failing/app");
        long failing = rows.mirrored("failing/app");
        jdbc.sql("UPDATE repositories SET sync_status = 'permanent_failure' WHERE id = :id").param("id", failing)
                .update();
        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(failing).equals("failing"));

        GITHUB.failEverythingWith(401);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(failing).equals("auth_broken"));
        } finally {
            GITHUB.failEverythingWith(0);
        }
    }

    private String status(long id) {
        return jdbc.sql("SELECT sync_status FROM repositories WHERE id = :id").param("id", id).query(String.class)
                .single();
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("freshness");
        db.migrate();
        return db;
    }
}
