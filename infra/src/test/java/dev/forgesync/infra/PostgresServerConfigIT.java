package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server configuration files in infra/postgres, applied to a private cluster as the runbook in infra/README.md
 * says: WAL archiving + db-basebackup.sh give a point-in-time recovery; ssl.conf + pg_hba-ssl.conf give TLS and
 * refuse plain connections.
 */
class PostgresServerConfigIT {

    private static final Path CONFIG = Path.of("postgres");

    @BeforeEach
    void needsRootAndALocalPostgresql() {
        assumeThat(PrivateCluster.available()).as("root and /usr/lib/postgresql/15/bin (a private cluster)").isTrue();
    }

    @Test
    void walArchiveAndBaseBackupRecoverTheDatabaseToAMomentInTime() throws Exception {
        try (PrivateCluster cluster = PrivateCluster.init()) {
            Path archive = cluster.folder("wal-archive");
            cluster.writeFile("forgesync-wal-archiving.conf", Files.readString(CONFIG.resolve("wal-archiving.conf"))
                    .replace("/var/lib/postgresql/wal-archive", archive.toString()));
            cluster.appendConfig("include 'forgesync-wal-archiving.conf'");
            cluster.start();
            cluster.execute("CREATE TABLE events (n int)");
            cluster.execute("INSERT INTO events VALUES (1)");

            Path base = cluster.root().resolve("base");
            Script.bin("db-basebackup.sh").args(base.toString()).env(libpq(cluster))
                    .env("FORGESYNC_STATE_DIR", cluster.root().resolve("state").toString())
                    .timeout(Duration.ofSeconds(120)).runOk();
            cluster.execute("INSERT INTO events VALUES (2)");
            String target = cluster.query("SELECT now()::text").get(0);
            cluster.execute("SELECT pg_sleep(0.1)");
            cluster.execute("INSERT INTO events VALUES (3)"); // the "bad change" after the target
            cluster.execute("SELECT pg_switch_wal()");
            await().atMost(Duration.ofSeconds(30)).until(() -> archived(cluster) >= 3);
            assertThat(cluster.query("SELECT failed_count FROM pg_stat_archiver")).containsExactly("0");
            cluster.stop();

            recoverInto(cluster, base, archive, target);
            // A recovering server accepts (read-only) connections before it reaches the target and promotes itself.
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.query("SELECT pg_is_in_recovery()::text").equals(List.of("false")));

            assertThat(cluster.query("SELECT string_agg(n::text, ',' ORDER BY n) FROM events")).containsExactly("1,2");
            assertThat(cluster.log()).contains("starting point-in-time recovery", "recovery stopping before commit",
                    "archive recovery complete");
        }
    }

    @Test
    void archiveCommandNeverOverwritesAnArchivedSegment() throws IOException {
        String conf = Files.readString(CONFIG.resolve("wal-archiving.conf"));

        assertThat(conf).contains("wal_level = replica", "archive_mode = on", "archive_timeout = ")
                .containsPattern("archive_command = 'test ! -f (\\S+)/%f && cp %p \\1/%f'");
    }

    @Test
    void sslConfigurationServesTlsAndRefusesPlainConnections() throws Exception {
        try (PrivateCluster cluster = PrivateCluster.init()) {
            Path ssl = cluster.folder("ssl");
            cluster.asPostgres("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", ssl.resolve("server.key").toString(), "-out", ssl.resolve("server.crt").toString());
            cluster.asPostgres("chown", "postgres", ssl.resolve("server.key").toString(), ssl.resolve("server.crt").toString());
            cluster.asPostgres("chmod", "600", ssl.resolve("server.key").toString());
            cluster.writeFile("forgesync-ssl.conf", Files.readString(CONFIG.resolve("ssl.conf"))
                    .replace("/etc/postgresql/ssl", ssl.toString()));
            cluster.appendConfig("include 'forgesync-ssl.conf'");
            cluster.writeFile("pg_hba.conf", "local all all trust\n" + Files.readString(CONFIG.resolve("pg_hba-ssl.conf"))
                    .replace("app_user,monitor,forgesync", "all").replaceAll("(?m)^hostssl(\\s+)forgesync", "hostssl$1all")
                    .replace("10.0.0.0/8", "127.0.0.1/32")
                    .replace("scram-sha-256", "trust"));
            cluster.start();

            try (Connection c = cluster.connect("?sslmode=require"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean("ssl")).isTrue();
                assertThat(rs.getString("version")).startsWith("TLSv1.");
            }
            assertThatThrownBy(() -> cluster.connect("?sslmode=disable").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("no encryption");
        }
    }

    /** The runbook's steps 3-5: base backup copied in, pg_wal emptied, restore_command + target, recovery.signal. */
    private static void recoverInto(PrivateCluster cluster, Path base, Path archive, String target) throws IOException {
        Path recovered = cluster.root().resolve("recovered");
        cluster.asPostgres("cp", "-a", base.toString(), recovered.toString());
        cluster.asPostgres("bash", "-c", "rm -rf '" + recovered + "'/pg_wal/*");
        cluster.useDataDir(recovered);
        cluster.writeFile("forgesync-recovery.conf", "restore_command = 'cp " + archive + "/%f %p'\n"
                + "recovery_target_time = '" + target + "'\nrecovery_target_action = 'promote'\n");
        cluster.appendConfig("include 'forgesync-recovery.conf'");
        cluster.writeFile("recovery.signal", "");
        cluster.asPostgres("chown", "-R", "postgres", recovered.toString());
        cluster.asPostgres("chmod", "700", recovered.toString());
        cluster.start();
    }

    private static long archived(PrivateCluster cluster) throws SQLException {
        return Long.parseLong(cluster.query("SELECT archived_count FROM pg_stat_archiver").get(0));
    }

    private static Map<String, String> libpq(PrivateCluster cluster) {
        return Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(cluster.port()), "PGUSER", "postgres",
                "PGDATABASE", "postgres");
    }
}
