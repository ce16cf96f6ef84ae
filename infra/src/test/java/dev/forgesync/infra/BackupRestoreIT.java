package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.PostgresServer;
import dev.forgesync.testsupport.TestDatabase;

/**
 * infra/bin/db-backup.sh and db-restore.sh round trip: a populated, migrated database dumped and restored into a
 * database the restore script creates must hold the same rows in every table, the same sequence positions and the
 * same Flyway history.
 */
class BackupRestoreIT {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    private static TestDatabase source;
    private static String targetName;
    private static Path backupDir;
    private static Path dump;

    @BeforeAll
    static void backUpAPopulatedDatabaseAndRestoreItIntoANewOne() throws Exception {
        source = TestDatabase.create("backup");
        source.migrate();
        populate();
        backupDir = Files.createDirectories(Path.of("target", "backups-" + Long.toHexString(System.nanoTime())));
        dump = Path.of(backup().runOk().stdout().strip());
        // The restore script creates a missing target; named like test-support's databases so a leak is swept up.
        targetName = "fs_test_" + Instant.now().getEpochSecond() + "_restored_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        restore(targetName).runOk();
    }

    @AfterAll
    static void dropDatabases() throws SQLException {
        if (targetName != null) {
            try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + targetName + " WITH (FORCE)");
            }
        }
        PostgresServer.shared().drop(source);
    }

    @Test
    void writesACustomFormatDumpNamedWithItsTimestampIntoTheBackupDirectory() throws IOException {
        assertThat(dump.getParent().toAbsolutePath()).isEqualTo(backupDir.toAbsolutePath());
        assertThat(dump.getFileName().toString()).matches("forgesync_\\d{8}_\\d{6}\\.dump");
        byte[] head = new byte[5];
        try (var in = Files.newInputStream(dump)) {
            assertThat(in.read(head)).isEqualTo(5);
        }
        assertThat(new String(head, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PGDMP");
        try (var files = Files.list(backupDir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".partial"))).isEmpty();
        }
    }

    @Test
    void dumpsAreReadableByTheirOwnerOnlyInAFolderMadePrivate() throws IOException {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dump)))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(backupDir)))
                .as("created 0755 by the test, made private by the script").isEqualTo("rwx------");
    }

    @Test
    void restoredDatabaseHoldsEveryTableRowForRow() throws SQLException {
        Map<String, List<String>> original = allRows(source.name());

        assertThat(original.keySet()).contains("repositories", "sync_logs", "webhook_events", "repositories_archive",
                "flyway_schema_history");
        assertThat(original.get("repositories")).hasSize(3);
        assertThat(original.get("sync_logs")).hasSize(4);
        assertThat(original.get("webhook_events")).hasSize(2);
        assertThat(original.get("repositories_archive")).hasSize(1);
        assertThat(allRows(targetName)).isEqualTo(original);
    }

    @Test
    void restoredDatabaseContinuesEverySequenceWhereTheOriginalStood() throws SQLException {
        Map<String, String> positions = sequencePositions(source.name());

        assertThat(positions).containsKeys("repositories_id_seq", "sync_logs_id_seq", "webhook_events_id_seq");
        assertThat(positions.get("repositories_id_seq")).isEqualTo("4 true");
        assertThat(sequencePositions(targetName)).isEqualTo(positions);
    }

    @Test
    void restoredDatabaseKeepsTheMigrationHistory() throws SQLException {
        String history = "SELECT version || ' ' || description || ' ' || checksum || ' ' || success "
                + "FROM flyway_schema_history ORDER BY installed_rank";

        assertThat(column(targetName, history)).isEqualTo(column(source.name(), history)).isNotEmpty();
    }

    @Test
    void restoringAgainOverThePopulatedTargetReplacesRatherThanDuplicates() throws SQLException {
        restore(targetName).runOk();

        assertThat(allRows(targetName)).isEqualTo(allRows(source.name()));
    }

    @Test
    void refusesAFileThatIsNotADump() throws IOException {
        Path notADump = Files.writeString(backupDir.resolve("not-a-dump.txt"), "hello");

        Script.Result result = restore(targetName, notADump).run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("not a pg_dump custom-format archive");
    }

    private static void populate() throws SQLException {
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id,
                        github_default_branch, sync_status, retry_count, last_synced_at, metadata)
                    VALUES ('https://github.com/acme/one', 'one', 'acme', 'acme/one', 101, 'main', 'completed', 0,
                            NOW() - INTERVAL '2 years', '{"language":"Java","topics":["git","mirror"],"stars":3}'),
                           ('https://github.com/acme/two', 'two', 'acme', 'acme/two', 102, 'main', 'failed', 2, NULL,
                            '{"language":"Go","nested":{"a":[1,2,{"b":null}]}}'),
                           ('https://github.com/acme/three', 'three', 'acme', 'acme/three', 103, 'trunk', 'pending', 0, NULL, NULL)
                    """);
            st.executeUpdate("""
                    INSERT INTO sync_logs (repository_id, event_type, status, duration_seconds, bytes_transferred, payload, error_code, error_message)
                    VALUES (1, 'sync_started', 'in_progress', NULL, NULL, '{"trigger":"watch"}', NULL, NULL),
                           (1, 'sync_completed', 'success', 12.5, 123456, '{"refs":{"heads":2,"tags":5}}', NULL, NULL),
                           (2, 'sync_failed', 'failure', 3.25, 0, '{"attempt":2}', 'io', 'connection reset'),
                           (2, 'retry_attempted', 'in_progress', NULL, NULL, NULL, NULL, NULL)
                    """);
            st.executeUpdate("""
                    INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed, processed_at, repository_id)
                    VALUES ('d-1', 'watch', 'd-1', '{"action":"started","repository":{"full_name":"acme/one","id":101}}',
                            'sha256=aa', TRUE, NOW(), 1),
                           ('d-2', 'push', 'd-2', '{"ref":"refs/heads/main","commits":[{"id":"abc","message":"ünïcode ✓"}]}',
                            'sha256=bb', FALSE, NULL, 2)
                    """);
            st.executeUpdate("INSERT INTO repositories_archive SELECT * FROM repositories WHERE sync_status = 'completed' "
                    + "AND last_synced_at < NOW() - INTERVAL '1 year'");
            st.execute("SELECT nextval('repositories_id_seq')"); // a gap: the restored sequence must not reuse id 4
        }
    }

    private static Script backup() {
        return Script.bin("db-backup.sh").env(connection(source.name()))
                .env("FORGESYNC_BACKUP_DIR", backupDir.toString()).timeout(SCRIPT_TIMEOUT);
    }

    private static Script restore(String target) {
        return restore(target, dump);
    }

    private static Script restore(String target, Path file) {
        return Script.bin("db-restore.sh").args(file.toString(), target).env(connection(source.name())).timeout(SCRIPT_TIMEOUT);
    }

    private static Map<String, String> connection(String database) {
        PostgresServer server = PostgresServer.shared();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", "5432");
        env.put("PGUSER", server.username());
        env.put("PGDATABASE", database);
        if (server.password() != null) {
            env.put("PGPASSWORD", server.password());
        }
        return env;
    }

    /** Every table of schema public, each as its rows' JSON in a stable order. */
    private static Map<String, List<String>> allRows(String database) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String table : column(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            rows.put(table, column(database, "SELECT row_to_json(t)::text FROM " + table + " t ORDER BY 1"));
        }
        return rows;
    }

    private static Map<String, String> sequencePositions(String database) throws SQLException {
        Map<String, String> positions = new LinkedHashMap<>();
        for (String sequence : column(database, "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")) {
            positions.put(sequence, column(database, "SELECT last_value || ' ' || is_called FROM " + sequence).get(0));
        }
        return positions;
    }

    private static List<String> column(String database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static Connection connect(String database) throws SQLException {
        PostgresServer server = PostgresServer.shared();
        Properties props = new Properties();
        props.setProperty("user", server.username());
        if (server.password() != null) {
            props.setProperty("password", server.password());
        }
        return DriverManager.getConnection(server.urlFor(database), props);
    }
}
