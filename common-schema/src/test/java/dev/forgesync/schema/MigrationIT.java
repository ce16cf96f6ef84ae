package dev.forgesync.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import dev.forgesync.testsupport.PostgresServer;
import dev.forgesync.testsupport.TestDatabase;

/** The Flyway migrations against a real PostgreSQL, checked against the seed schema document. */
class MigrationIT {

    private static TestDatabase db;
    private static int applied;

    @BeforeAll
    static void migrateFreshDatabase() {
        db = TestDatabase.create("migration");
        applied = db.migrate();
    }

    @AfterAll
    static void dropDatabase() {
        PostgresServer.shared().drop(db);
    }

    @BeforeEach
    void clean() {
        db.truncateAll();
    }

    @Test
    void appliesEveryMigrationOnAnEmptyDatabaseAndNothingTheSecondTime() {
        assertThat(applied).isPositive();
        assertThat(db.migrate()).isZero();
    }

    @Test
    void createsEverySeedColumnWithItsTypeAndNullability() throws SQLException {
        Map<String, String> expected = new LinkedHashMap<>();
        // repositories
        expected.put("repositories.id", "integer NO");
        expected.put("repositories.github_url", "character varying(500) NO");
        expected.put("repositories.github_repo_name", "character varying(255) NO");
        expected.put("repositories.github_owner", "character varying(255) NO");
        expected.put("repositories.github_full_name", "character varying(255) NO");
        expected.put("repositories.github_repo_id", "bigint YES");
        expected.put("repositories.github_default_branch", "character varying(100) YES");
        expected.put("repositories.github_is_private", "boolean YES");
        expected.put("repositories.github_size_kb", "integer YES");
        expected.put("repositories.onedev_url", "character varying(500) YES");
        expected.put("repositories.onedev_repo_name", "character varying(255) YES");
        expected.put("repositories.onedev_project_id", "integer YES");
        expected.put("repositories.sync_status", "character varying(50) NO");
        expected.put("repositories.error_message", "text YES");
        expected.put("repositories.retry_count", "integer YES");
        expected.put("repositories.max_retries", "integer YES");
        expected.put("repositories.created_at", "timestamp with time zone NO");
        expected.put("repositories.updated_at", "timestamp with time zone NO");
        expected.put("repositories.last_synced_at", "timestamp with time zone YES");
        expected.put("repositories.next_retry_at", "timestamp with time zone YES");
        expected.put("repositories.metadata", "jsonb YES");
        // V4: owned claims and the database's start of the latest successful sync
        expected.put("repositories.claim_fence", "bigint NO");
        expected.put("repositories.claimed_at", "timestamp with time zone YES");
        expected.put("repositories.last_sync_started_at", "timestamp with time zone YES");
        // V7: vault mode and per-ref isolation
        expected.put("repositories.rejected_refs", "integer NO");
        expected.put("repositories.archived_refs", "integer NO");
        // sync_logs
        expected.put("sync_logs.id", "integer NO");
        expected.put("sync_logs.repository_id", "integer NO");
        expected.put("sync_logs.event_type", "character varying(50) NO");
        expected.put("sync_logs.status", "character varying(50) NO");
        expected.put("sync_logs.error_message", "text YES");
        expected.put("sync_logs.error_code", "character varying(50) YES");
        expected.put("sync_logs.duration_seconds", "double precision YES");
        expected.put("sync_logs.bytes_transferred", "bigint YES");
        expected.put("sync_logs.payload", "jsonb YES");
        expected.put("sync_logs.created_at", "timestamp with time zone NO");
        // webhook_events
        expected.put("webhook_events.id", "integer NO");
        expected.put("webhook_events.event_id", "character varying(100) YES");
        expected.put("webhook_events.event_type", "character varying(50) NO");
        expected.put("webhook_events.delivery_id", "character varying(100) YES");
        expected.put("webhook_events.payload", "jsonb NO");
        expected.put("webhook_events.signature", "character varying(100) NO");
        expected.put("webhook_events.processed", "boolean YES");
        expected.put("webhook_events.processing_error", "text YES");
        expected.put("webhook_events.received_at", "timestamp with time zone NO");
        expected.put("webhook_events.processed_at", "timestamp with time zone YES");
        expected.put("webhook_events.repository_id", "integer YES");
        // V12: the inserting process's publisher budget, before which no relay claims the row
        expected.put("webhook_events.relay_after", "timestamp with time zone YES");

        Map<String, String> actual = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT table_name || '.' || column_name,
                       CASE WHEN character_maximum_length IS NULL THEN data_type
                            ELSE data_type || '(' || character_maximum_length || ')' END || ' ' || is_nullable
                FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name IN ('repositories', 'sync_logs', 'webhook_events')
                """)) {
            while (rs.next()) {
                actual.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void appliesTheSeedDefaults() throws SQLException {
        long id = insertRepository("octo/defaults");
        Map<String, Object> row = queryRow("SELECT sync_status, retry_count, max_retries, github_is_private, "
                + "created_at IS NOT NULL AS has_created, updated_at IS NOT NULL AS has_updated FROM repositories WHERE id = " + id);
        assertThat(row).containsEntry("sync_status", "pending").containsEntry("retry_count", 0)
                .containsEntry("max_retries", 3).containsEntry("github_is_private", false)
                .containsEntry("has_created", true).containsEntry("has_updated", true);
        long event = insertWebhookEvent("d-defaults", "push", null);
        assertThat(queryRow("SELECT processed, received_at IS NOT NULL AS has_received FROM webhook_events WHERE id = " + event))
                .containsEntry("processed", false).containsEntry("has_received", true);
    }

    @Test
    void keepsTheEnumsEqualToTheCheckConstraints() throws SQLException {
        assertThat(checkValues("valid_sync_status"))
                .containsExactlyInAnyOrderElementsOf(dbValues(SyncStatus.values(), SyncStatus::dbValue));
        assertThat(checkValues("valid_event_type"))
                .containsExactlyInAnyOrderElementsOf(dbValues(SyncEventType.values(), SyncEventType::dbValue));
        assertThat(checkValues("valid_status"))
                .containsExactlyInAnyOrderElementsOf(dbValues(SyncLogStatus.values(), SyncLogStatus::dbValue));
    }

    @Test
    void rejectsASyncStatusOutsideTheCheck() {
        assertViolation("23514", "INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status) "
                + "VALUES ('https://github.com/a/b', 'b', 'a', 'a/b', 'done')");
    }

    @Test
    void rejectsASyncLogEventTypeOrStatusOutsideTheCheck() throws SQLException {
        long id = insertRepository("octo/logs");
        assertViolation("23514", "INSERT INTO sync_logs (repository_id, event_type, status) VALUES (" + id + ", 'sync_exploded', 'success')");
        assertViolation("23514", "INSERT INTO sync_logs (repository_id, event_type, status) VALUES (" + id + ", 'sync_started', 'maybe')");
    }

    @Test
    void rejectsADuplicateGithubUrl() throws SQLException {
        insertRepository("octo/dup");
        assertViolation("23505", "INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name) "
                + "VALUES ('https://github.com/octo/dup', 'dup', 'octo', 'octo/dup')");
    }

    @Test
    void rejectsADuplicateEventId() throws SQLException {
        insertWebhookEvent("delivery-1", "watch", null);
        assertViolation("23505", "INSERT INTO webhook_events (event_id, event_type, payload, signature) "
                + "VALUES ('delivery-1', 'watch', '{}', 'sha256=00')");
    }

    @Test
    void rejectsMissingRequiredValues() {
        assertViolation("23502", "INSERT INTO repositories (github_url, github_repo_name, github_owner) VALUES ('u', 'n', 'o')");
        assertViolation("23502", "INSERT INTO webhook_events (event_id, event_type, signature) VALUES ('x', 'push', 's')");
        assertViolation("23502", "INSERT INTO sync_logs (event_type, status) VALUES ('sync_started', 'success')");
    }

    @Test
    void rejectsASyncLogForAnUnknownRepository() {
        assertViolation("23503", "INSERT INTO sync_logs (repository_id, event_type, status) VALUES (999999, 'sync_started', 'success')");
    }

    @Test
    void movesUpdatedAtOnEveryUpdateAndLeavesCreatedAt() throws SQLException {
        long id = insertRepository("octo/trigger");
        Map<String, Object> before = queryRow("SELECT created_at, updated_at FROM repositories WHERE id = " + id);
        execute("UPDATE repositories SET sync_status = 'in_progress' WHERE id = " + id);
        Map<String, Object> after = queryRow("SELECT created_at, updated_at FROM repositories WHERE id = " + id);
        assertThat((OffsetDateTime) after.get("updated_at")).isAfter((OffsetDateTime) before.get("updated_at"));
        assertThat(after.get("created_at")).isEqualTo(before.get("created_at"));
    }

    @Test
    void theTriggerOverridesAnExplicitUpdatedAt() throws SQLException {
        long id = insertRepository("octo/backdate");
        execute("UPDATE repositories SET updated_at = NOW() - INTERVAL '1 day' WHERE id = " + id);
        assertThat(queryRow("SELECT updated_at > NOW() - INTERVAL '1 hour' AS recent FROM repositories WHERE id = " + id))
                .containsEntry("recent", true);
    }

    @Test
    void createsTheSeedIndexes() throws SQLException {
        Map<String, String> indexes = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")) {
            while (rs.next()) {
                indexes.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(indexes).containsKeys(
                "idx_repositories_sync_status", "idx_repositories_github_url", "idx_repositories_github_owner",
                "idx_repositories_updated_at", "idx_repositories_next_retry", "idx_repositories_metadata",
                "idx_repositories_github_repo_id",
                "idx_sync_logs_repository_id", "idx_sync_logs_created_at", "idx_sync_logs_event_type", "idx_sync_logs_status",
                "idx_webhook_events_event_id", "idx_webhook_events_processed", "idx_webhook_events_received_at",
                "idx_webhook_events_event_type");
        assertThat(indexes.get("idx_repositories_next_retry"))
                .contains("(next_retry_at)").contains("WHERE").contains("'failed'").contains("next_retry_at IS NOT NULL");
        assertThat(indexes.get("idx_repositories_metadata")).contains("USING gin (metadata)");
        assertThat(indexes.get("idx_repositories_updated_at")).contains("updated_at DESC");
        assertThat(indexes.get("idx_sync_logs_created_at")).contains("created_at DESC");
        assertThat(indexes.get("idx_webhook_events_received_at")).contains("received_at DESC");
    }

    @Test
    void aNameSearchWithALeadingWildcardCanReadTheTrigramIndex() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name)
                    SELECT 'https://github.com/owner-' || g % 100 || '/widget-' || g, 'widget-' || g,
                           'owner-' || g % 100, 'owner-' || g % 100 || '/widget-' || g
                    FROM generate_series(1, 20000) g""");
            st.execute("VACUUM ANALYZE repositories"); // merges GIN's pending list, as autovacuum would
            st.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery(
                    "EXPLAIN SELECT id FROM repositories WHERE github_full_name ILIKE '%widget-0123%' ESCAPE '\\'")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("idx_repositories_full_name_trgm");
        }
    }

    @Test
    void deletingARepositoryCascadesToLogsAndUnlinksWebhookEvents() throws SQLException {
        long id = insertRepository("octo/cascade");
        execute("INSERT INTO sync_logs (repository_id, event_type, status) VALUES (" + id + ", 'sync_started', 'in_progress')");
        long event = insertWebhookEvent("d-cascade", "watch", id);
        execute("DELETE FROM repositories WHERE id = " + id);
        assertThat(queryRow("SELECT count(*) AS n FROM sync_logs WHERE repository_id = " + id)).containsEntry("n", 0L);
        assertThat(queryRow("SELECT repository_id FROM webhook_events WHERE id = " + event)).containsEntry("repository_id", null);
    }

    @Test
    void aSourcesMirrorModeIsVaultExactOrNullAndItsLinksGoWithTheSourceOrTheRepository() throws SQLException {
        assertViolation("23514", "INSERT INTO sources (kind, name, mirror_mode) VALUES ('org', 'm', 'mirror')");
        execute("INSERT INTO sources (kind, name, mirror_mode, branches_exclude) VALUES ('org', 'v10', 'exact', '{wip/**}')");
        long source = (Integer) queryRow("SELECT id FROM sources WHERE name = 'v10'").get("id");
        long kept = insertRepository("octo/linked-kept");
        long dropped = insertRepository("octo/linked-dropped");
        execute("INSERT INTO source_repositories (repository_id, source_id) VALUES (" + kept + ", " + source + "), ("
                + dropped + ", " + source + ")");

        execute("DELETE FROM repositories WHERE id = " + dropped);
        assertThat(queryRow("SELECT count(*) AS n FROM source_repositories")).containsEntry("n", 1L);
        execute("DELETE FROM sources WHERE id = " + source);
        assertThat(queryRow("SELECT count(*) AS n FROM source_repositories")).containsEntry("n", 0L);
        assertThat(queryRow("SELECT count(*) AS n FROM repositories WHERE id = " + kept)).containsEntry("n", 1L);
    }

    @Test
    void runsEverySeedSampleQuery() throws SQLException {
        long pending = insertRepository("octo/pending");
        long failed = insertRepository("octo/failed");
        execute("UPDATE repositories SET sync_status = 'failed', retry_count = 1, next_retry_at = NOW() - INTERVAL '1 minute', "
                + "error_message = 'timeout' WHERE id = " + failed);
        execute("INSERT INTO sync_logs (repository_id, event_type, status, duration_seconds) VALUES (" + failed
                + ", 'sync_failed', 'failure', 1.5)");
        long event = insertWebhookEvent("d-unprocessed", "watch", null);

        assertThat(column(SeedQueries.PENDING_SYNCS, "id")).containsExactly((long) pending);
        assertThat(column(SeedQueries.FAILED_READY_FOR_RETRY, "id")).containsExactly((long) failed);
        assertThat(column(SeedQueries.SYNC_STATISTICS, "sync_status")).containsExactlyInAnyOrder("pending", "failed");
        assertThat(column(SeedQueries.RECENT_SYNC_ACTIVITY, "github_full_name")).containsExactly("octo/failed");
        assertThat(column(SeedQueries.UNPROCESSED_WEBHOOKS, "id")).containsExactly((long) event);
        assertThat(column(SeedQueries.UNPROCESSED_WEBHOOKS, "repo_name")).containsExactly("Codertocat/Hello-World");
        assertThat(column(SeedQueries.METADATA_CONTAINS_LANGUAGE_PYTHON, "id")).isEmpty();
    }

    @Test
    void theSeedsUnprocessedWebhooksQueryIsBrokenAsWrittenAndFixedInOurs() {
        String asWritten = "SELECT id, event_type, received_at, payload->>'repository'->>'full_name' as repo_name "
                + "FROM webhook_events WHERE processed = FALSE ORDER BY received_at ASC";
        assertThatThrownBy(() -> column(asWritten, "id")).isInstanceOf(PSQLException.class).hasMessageContaining("operator does not exist");
    }

    @Test
    void runsTheSeedsRetentionAndArchiveQueries() throws SQLException {
        long old = insertRepository("octo/old");
        long fresh = insertRepository("octo/fresh");
        execute("UPDATE repositories SET sync_status = 'completed', last_synced_at = NOW() - INTERVAL '400 days' WHERE id = " + old);
        execute("UPDATE repositories SET sync_status = 'completed', last_synced_at = NOW() WHERE id = " + fresh);
        execute("INSERT INTO sync_logs (repository_id, event_type, status, created_at) VALUES (" + fresh
                + ", 'sync_completed', 'success', NOW() - INTERVAL '91 days'), (" + fresh + ", 'sync_completed', 'success', NOW())");
        execute("INSERT INTO webhook_events (event_id, event_type, payload, signature, processed, received_at) VALUES "
                + "('old-done', 'push', '{}', 's', TRUE, NOW() - INTERVAL '31 days'), "
                + "('old-stuck', 'push', '{}', 's', FALSE, NOW() - INTERVAL '31 days'), "
                + "('new-done', 'push', '{}', 's', TRUE, NOW())");

        execute("DELETE FROM sync_logs WHERE created_at < NOW() - INTERVAL '90 days'");
        execute("DELETE FROM webhook_events WHERE received_at < NOW() - INTERVAL '30 days' AND processed = TRUE");
        execute("INSERT INTO repositories_archive SELECT * FROM repositories "
                + "WHERE sync_status = 'completed' AND last_synced_at < NOW() - INTERVAL '1 year'");

        assertThat(queryRow("SELECT count(*) AS n FROM sync_logs")).containsEntry("n", 1L);
        assertThat(column("SELECT event_id FROM webhook_events", "event_id")).containsExactlyInAnyOrder("old-stuck", "new-done");
        Map<String, Object> archived = queryRow("SELECT id, github_full_name, archived_at IS NOT NULL AS stamped FROM repositories_archive");
        assertThat(archived).containsEntry("id", (int) old).containsEntry("github_full_name", "octo/old").containsEntry("stamped", true);
    }

    @Test
    void keepsTheArchiveColumnsAlignedWithRepositories() throws SQLException {
        List<Object> repositories = column("SELECT column_name || ' ' || data_type FROM information_schema.columns "
                + "WHERE table_name = 'repositories' ORDER BY ordinal_position", "?column?");
        List<Object> archive = column("SELECT column_name || ' ' || data_type FROM information_schema.columns "
                + "WHERE table_name = 'repositories_archive' ORDER BY ordinal_position", "?column?");
        assertThat(archive.subList(0, repositories.size())).containsExactlyElementsOf(repositories);
        assertThat(archive.subList(repositories.size(), archive.size())).containsExactly("archived_at timestamp with time zone");
    }

    @Test
    void compressesWebhookPayloadsWithLz4WhereTheServerHasIt() throws SQLException {
        Map<String, Object> row = queryRow("""
                SELECT a.attcompression AS compression,
                       EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
                               AND 'lz4' = ANY(enumvals)) AS server_has_lz4
                FROM pg_attribute a WHERE a.attrelid = 'webhook_events'::regclass AND a.attname = 'payload'""");
        // attcompression is 'l' for lz4, '' (the default, pglz) when this server was built without lz4.
        assertThat(row.get("compression").toString()).isEqualTo((Boolean) row.get("server_has_lz4") ? "l" : "");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static <E> List<String> dbValues(E[] values, java.util.function.Function<E, String> f) {
        return Arrays.stream(values).map(f).toList();
    }

    private Set<String> checkValues(String constraint) throws SQLException {
        String def = (String) queryRow("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = '"
                + constraint + "'").get("def");
        Set<String> values = new TreeSet<>();
        Matcher m = Pattern.compile("'([a-z_]+)'::").matcher(def);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private long insertRepository(String fullName) throws SQLException {
        String[] parts = fullName.split("/");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name) VALUES (?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, "https://github.com/" + fullName);
            ps.setString(2, parts[1]);
            ps.setString(3, parts[0]);
            ps.setString(4, fullName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long insertWebhookEvent(String deliveryId, String type, Long repositoryId) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_events "
                + "(event_id, delivery_id, event_type, payload, signature, repository_id) VALUES (?, ?, ?, ?::jsonb, 'sha256=ab', ?) RETURNING id")) {
            ps.setString(1, deliveryId);
            ps.setString(2, deliveryId);
            ps.setString(3, type);
            ps.setString(4, new String(dev.forgesync.testsupport.Webhooks.payload("watch.started.json"), java.nio.charset.StandardCharsets.UTF_8));
            ps.setObject(5, repositoryId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void assertViolation(String sqlState, String sql) {
        assertThatThrownBy(() -> execute(sql)).isInstanceOf(PSQLException.class)
                .satisfies(e -> assertThat(((PSQLException) e).getSQLState()).isEqualTo(sqlState));
    }

    private Map<String, Object> queryRow(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from: %s", sql).isTrue();
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                Object value = rs.getObject(i);
                if (rs.getMetaData().getColumnTypeName(i).equals("timestamptz") && value != null) {
                    value = rs.getObject(i, OffsetDateTime.class);
                }
                row.put(rs.getMetaData().getColumnLabel(i), value);
            }
            return row;
        }
    }

    private List<Object> column(String sql, String label) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Object v = rs.getObject(label);
                values.add(v instanceof Integer i ? Long.valueOf(i) : v);
            }
        }
        return values;
    }
}
