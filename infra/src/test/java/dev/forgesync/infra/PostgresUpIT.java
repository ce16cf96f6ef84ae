package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * infra/bin/postgres-up.sh on a private cluster whose TCP connections need a password (scram-sha-256) for every role
 * but the superuser: the owner it creates logs in with exactly the password it was given, quotes and all.
 */
class PostgresUpIT {

    private static final String OWNER = "fs_up_owner";
    private static final String DB = "fs_up_db";
    private static final String PASSWORD = "a'b\\c $(date) \"d\"";

    private static PrivateCluster cluster;
    private static Script.Result firstRun;

    @BeforeAll
    static void runPostgresUpOnAPasswordCheckingCluster() throws IOException {
        assumeThat(PrivateCluster.available()).as("root and /usr/lib/postgresql/15/bin (a private cluster)").isTrue();
        cluster = PrivateCluster.init();
        cluster.writeFile("pg_hba.conf", """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                """);
        cluster.appendConfig("log_statement = 'all'");
        cluster.start();
        firstRun = postgresUp().env("FORGESYNC_DB_OWNER_PASSWORD", PASSWORD).runOk();
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theOwnerLogsInWithAPasswordThatHoldsQuotes() throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("").replace("/postgres", "/" + DB), owner(PASSWORD))) {
            assertThat(c.getMetaData().getUserName()).isEqualTo(OWNER);
        }
    }

    @Test
    void createsTheDatabaseOwnedByTheOwner() throws SQLException {
        assertThat(cluster.query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + DB + "'"))
                .containsExactly(OWNER);
    }

    @Test
    void thePasswordReachesNeitherTheOutputNorTheServerLog() throws IOException {
        assertThat(firstRun.stdout() + firstRun.stderr()).doesNotContain(PASSWORD).contains("created role " + OWNER);
        assertThat(cluster.log()).doesNotContain("a'b").doesNotContain("a''b");
    }

    @Test
    void runningItAgainIsHarmless() {
        assertThat(postgresUp().runOk().stderr()).contains("PostgreSQL ready").doesNotContain("created");
    }

    @Test
    void refusesAnOwnerNameThatIsNotAPlainIdentifier() {
        Script.Result result = postgresUp().env("FORGESYNC_DB_OWNER", "x\"; DROP ROLE postgres; --").run();

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("FORGESYNC_DB_OWNER must be a plain");
    }

    private static Script postgresUp() {
        return Script.bin("postgres-up.sh").env(Map.of(
                "FORGESYNC_PG_HOST", "127.0.0.1",
                "FORGESYNC_PG_PORT", Integer.toString(cluster.port()),
                "FORGESYNC_DB_NAME", DB,
                "FORGESYNC_DB_OWNER", OWNER,
                "FORGESYNC_STATE_DIR", cluster.root().resolve("state").toString()));
    }

    private static Properties owner(String password) {
        Properties props = new Properties();
        props.setProperty("user", OWNER);
        props.setProperty("password", password);
        return props;
    }
}
