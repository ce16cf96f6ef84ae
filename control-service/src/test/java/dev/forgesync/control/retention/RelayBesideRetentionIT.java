package dev.forgesync.control.retention;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.testsupport.TestDatabase;

/**
 * The relay runs on its own thread: a retention run that is stuck (here behind a lock the test holds on
 * {@code sync_logs}) does not hold back the publishing of unprocessed outbox rows.
 */
class RelayBesideRetentionIT {

    /** Its own database: the test locks a table every other context's retention would wait on too. */
    private static final TestDatabase DB = migrated();

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());

    @Test
    void relayPublishesWhileARetentionRunIsStuck() throws Exception {
        Map<String, Object> overrides = new HashMap<>(DB.springProperties());
        overrides.put("forgesync.retention.cron", "* * * * * *");
        // Closed in reverse order: the lock is released before the context stops.
        try (ConfigurableApplicationContext context = ControlContexts.start(overrides);
             Connection lock = DB.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE sync_logs IN ACCESS EXCLUSIVE MODE");
            await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'
                      AND query LIKE 'DELETE FROM sync_logs%'""")
                    .query(Long.class).single() == 1);
            String deliveryId = unprocessedEvent();

            // Well within the 10 s socket timeout that would end the stuck retention statement by itself.
            await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql(
                    "SELECT processed FROM webhook_events WHERE event_id = :id").param("id", deliveryId)
                    .query(Boolean.class).single());
        }
    }

    private String unprocessedEvent() {
        String owner = "stuck" + UUID.randomUUID().toString().substring(0, 8);
        long repositoryId = jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name)
                VALUES (:url, 'repo', :owner, :fullName) RETURNING id""")
                .param("url", "https://github.com/" + owner + "/repo").param("owner", owner)
                .param("fullName", owner + "/repo").query(Long.class).single();
        String deliveryId = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            received_at, repository_id)
                VALUES (:id, 'push', :id, '{}'::jsonb, 'sha256=00', FALSE, NOW() - INTERVAL '1 minute', :repositoryId)""")
                .param("id", deliveryId).param("repositoryId", repositoryId).update();
        return deliveryId;
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("relay-beside-retention");
        db.migrate();
        return db;
    }
}
