package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.PostgresServer;
import dev.forgesync.testsupport.TestDatabase;

/**
 * infra/bin/db-roles.sh on a fresh migrated database: the seed's {@code app_user} (DML only) and {@code monitor}
 * (read-only). Roles are cluster-wide and other test runs share the server, so each run uses its own role names.
 */
class DatabaseRolesIT {

    private static final String SUFFIX = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    private static final String APP = "fs_it_app_" + SUFFIX;
    private static final String MONITOR = "fs_it_monitor_" + SUFFIX;
    private static final String APP_PASSWORD = "app-" + SUFFIX + "-'quoted";
    private static final String MONITOR_PASSWORD = "monitor-" + SUFFIX;

    private static TestDatabase db;
    private static Script.Result firstRun;

    @BeforeAll
    static void grantRolesOnAFreshMigratedDatabase() throws SQLException {
        db = TestDatabase.create("roles");
        db.migrate();
        firstRun = rolesScript().runOk();
        asOwner("INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name) "
                + "VALUES ('https://github.com/acme/seeded', 'seeded', 'acme', 'acme/seeded')");
    }

    @AfterAll
    static void dropRoles() throws SQLException {
        PostgresServer.shared().drop(db);
        try (Connection c = DriverManager.getConnection(PostgresServer.shared().urlFor("postgres"), credentials(
                PostgresServer.shared().username(), PostgresServer.shared().password()));
             Statement st = c.createStatement()) {
            st.execute("DROP ROLE IF EXISTS " + APP);
            st.execute("DROP ROLE IF EXISTS " + MONITOR);
        }
    }

    @Test
    void appUserReadsAndWritesEveryTableAndUsesTheSequences() throws SQLException {
        try (Connection c = connectAs(APP, APP_PASSWORD); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name) "
                    + "VALUES ('https://github.com/acme/app', 'app', 'acme', 'acme/app')");
            long id = single(st, "SELECT id FROM repositories WHERE github_full_name = 'acme/app'");
            st.executeUpdate("INSERT INTO sync_logs (repository_id, event_type, status) VALUES (" + id + ", 'sync_started', 'in_progress')");
            st.executeUpdate("INSERT INTO webhook_events (event_id, event_type, payload, signature) "
                    + "VALUES ('d-app', 'star', '{\"action\":\"created\"}', 'sha256=x')");
            assertThat(st.executeUpdate("UPDATE repositories SET sync_status = 'completed' WHERE id = " + id)).isEqualTo(1);
            assertThat(single(st, "SELECT nextval('repositories_id_seq')")).isGreaterThan(id);
            st.executeUpdate("INSERT INTO repositories_archive SELECT * FROM repositories WHERE id = " + id);
            assertThat(st.executeUpdate("DELETE FROM repositories_archive WHERE id = " + id)).isEqualTo(1);
            assertThat(st.executeUpdate("DELETE FROM webhook_events WHERE event_id = 'd-app'")).isEqualTo(1);
            assertThat(st.executeUpdate("DELETE FROM repositories WHERE id = " + id)).isEqualTo(1);
        }
    }

    @Test
    void appUserCannotCreateOrDropTablesNorRewriteTheMigrationHistory() throws SQLException {
        try (Connection c = connectAs(APP, APP_PASSWORD); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("CREATE TABLE intruder (id int)")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("DROP TABLE sync_logs")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> st.execute("ALTER TABLE repositories ADD COLUMN x int")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> st.execute("DELETE FROM flyway_schema_history")).hasMessageContaining("permission denied");
            assertThat(single(st, "SELECT count(*) FROM flyway_schema_history")).isPositive();
        }
    }

    @Test
    void monitorReadsButCannotWrite() throws SQLException {
        try (Connection c = connectAs(MONITOR, MONITOR_PASSWORD); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM repositories WHERE github_full_name = 'acme/seeded'")).isEqualTo(1);
            assertThat(single(st, "SELECT count(*) FROM sync_logs")).isNotNegative();
            assertThat(single(st, "SELECT count(*) FROM flyway_schema_history")).isPositive();
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO repositories (github_url, github_repo_name, github_owner, "
                    + "github_full_name) VALUES ('https://github.com/acme/m', 'm', 'acme', 'acme/m')"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.executeUpdate("UPDATE repositories SET retry_count = 9")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.executeUpdate("DELETE FROM webhook_events")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE TABLE intruder (id int)")).hasMessageContaining("permission denied");
        }
    }

    @Test
    void runningTheScriptAgainIsHarmless() throws SQLException {
        Script.Result second = rolesScript().runOk();

        assertThat(second.stderr()).contains("roles ready");
        try (Connection c = connectAs(APP, APP_PASSWORD); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM repositories WHERE github_full_name = 'acme/seeded'")).isEqualTo(1);
        }
        try (Connection c = connectAs(MONITOR, MONITOR_PASSWORD); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM repositories")).isPositive();
        }
    }

    @Test
    void tablesALaterMigrationCreatesAreCoveredByTheDefaultPrivileges() throws SQLException {
        asOwner("CREATE TABLE later_migration_table (id SERIAL PRIMARY KEY, note TEXT)");

        try (Connection c = connectAs(APP, APP_PASSWORD); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO later_migration_table (note) VALUES ('written by app_user')");
            assertThat(st.executeUpdate("UPDATE later_migration_table SET note = 'updated'")).isEqualTo(1);
        }
        try (Connection c = connectAs(MONITOR, MONITOR_PASSWORD); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM later_migration_table WHERE note = 'updated'")).isEqualTo(1);
            assertThatThrownBy(() -> st.executeUpdate("DELETE FROM later_migration_table")).hasMessageContaining("permission denied");
        }
    }

    @Test
    void neverPrintsThePasswords() {
        String output = firstRun.stdout() + firstRun.stderr();

        assertThat(output).doesNotContain(APP_PASSWORD).doesNotContain(MONITOR_PASSWORD).contains("roles ready");
    }

    @Test
    void refusesARoleNameThatIsNotAPlainIdentifier() {
        Script.Result result = rolesScript().env("FORGESYNC_APP_ROLE", "app; DROP DATABASE x").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("FORGESYNC_APP_ROLE must be a plain");
    }

    private static Script rolesScript() {
        return Script.bin("db-roles.sh").env(Map.of(
                "FORGESYNC_DB_NAME", db.name(),
                "FORGESYNC_DB_OWNER", db.username(),
                "FORGESYNC_APP_ROLE", APP,
                "FORGESYNC_APP_PASSWORD", APP_PASSWORD,
                "FORGESYNC_MONITOR_ROLE", MONITOR,
                "FORGESYNC_MONITOR_PASSWORD", MONITOR_PASSWORD,
                "FORGESYNC_PG_HOST", "127.0.0.1",
                "FORGESYNC_PG_PORT", "5432"));
    }

    private static void asOwner(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Connection connectAs(String role, String password) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), credentials(role, password));
    }

    private static Properties credentials(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        return props;
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
