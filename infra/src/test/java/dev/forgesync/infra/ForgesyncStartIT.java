package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./forgesync start} and {@code stop} as written in infra/bin/forgesync.sh, with stand-ins for the programs
 * they launch ({@code scenarios/forgesync-start.sh}): no build, no broker, the embedded PostgreSQL, a {@code java}
 * that notes its command line and environment and listens where the real one would.
 */
class ForgesyncStartIT {

    private static final String OWNER_PASSWORD = "owner-pw-7f3a";
    private static final String APP_PASSWORD = "app-pw-91c2";
    private static final String MONITOR_PASSWORD = "monitor-pw-55d0";

    @TempDir
    static Path work;

    private static final int INGEST_MANAGEMENT_PORT = freePort();
    private static final int CONTROL_PORT = freePort();

    private static Path record;
    private static Path state;

    @BeforeAll
    static void startAndStopWithStandIns() throws IOException {
        record = Files.createDirectories(work.resolve("record"));
        state = work.resolve("state");
        Script.scenario("forgesync-start.sh")
                .args(Path.of("bin/forgesync.sh").toAbsolutePath().toString(), record.toString())
                .env(Map.of(
                        "FORGESYNC_STATE_DIR", state.toString(),
                        "FORGESYNC_DB_OWNER_PASSWORD", OWNER_PASSWORD,
                        "FORGESYNC_APP_PASSWORD", APP_PASSWORD,
                        "FORGESYNC_MONITOR_PASSWORD", MONITOR_PASSWORD,
                        "FORGESYNC_EMBEDDED_PG_PORT", Integer.toString(freePort()),
                        "FORGESYNC_INGEST_PORT", Integer.toString(freePort()),
                        "FORGESYNC_INGEST_MANAGEMENT_PORT", Integer.toString(INGEST_MANAGEMENT_PORT),
                        "FORGESYNC_CONTROL_PORT", Integer.toString(CONTROL_PORT),
                        "FORGESYNC_WORKER_BASE_PORT", Integer.toString(freePort()),
                        "FORGESYNC_WORKERS", "1"))
                .timeout(Duration.ofSeconds(120))
                .runOk();
    }

    @Test
    void noPasswordOrSecretStandsOnAnyCommandLine() throws IOException {
        List<String> commandLines = new ArrayList<>(Files.readAllLines(record.resolve("ps")));
        for (Path argv : recorded(".argv")) {
            commandLines.add(Files.readString(argv));
        }

        List<String> secrets = List.of(OWNER_PASSWORD, APP_PASSWORD, MONITOR_PASSWORD, secret("pg-superuser-password"),
                secret("webhook-secret"), secret("ops-admin-token"));

        assertThat(commandLines).isNotEmpty().noneMatch(line -> secrets.stream().anyMatch(line::contains));
    }

    @Test
    void servicesGetOnlyTheAppRolesCredentialsAndNeverMigrate() throws IOException {
        for (String service : List.of("ingest-service", "control-service", "sync-worker")) {
            Map<String, String> env = env(service);

            assertThat(env).as(service).containsEntry("SPRING_DATASOURCE_USERNAME", "app_user")
                    .containsEntry("SPRING_DATASOURCE_PASSWORD", APP_PASSWORD)
                    .containsEntry("SPRING_FLYWAY_ENABLED", "false")
                    .doesNotContainKeys("SPRING_FLYWAY_USER", "SPRING_FLYWAY_PASSWORD", "PGPASSWORD")
                    .doesNotContainValue(OWNER_PASSWORD).doesNotContainValue(MONITOR_PASSWORD);
        }
    }

    @Test
    void migrationsRunAsTheOwnerWithThePasswordInTheEnvironment() throws IOException {
        assertThat(env("mvn")).containsEntry("FORGESYNC_DB_OWNER_PASSWORD", OWNER_PASSWORD);
        assertThat(Files.readString(only("mvn", ".argv"))).contains("flyway:migrate", "-Dforgesync.db.owner=forgesync");
    }

    @Test
    void theEmbeddedPostgresqlGetsItsPasswordsInTheEnvironment() throws IOException {
        assertThat(env("embedded-postgres")).containsEntry("FORGESYNC_DB_OWNER_PASSWORD", OWNER_PASSWORD)
                .containsEntry("FORGESYNC_PG_SUPERUSER_PASSWORD", secret("pg-superuser-password"));
    }

    @Test
    void theRolesReachTheEmbeddedPostgresqlOnStandardInput() throws IOException {
        assertThat(Files.readString(only("sql-runner", ".stdin"))).contains("ALTER ROLE app_user", "GRANT SELECT, INSERT, UPDATE, DELETE");
        assertThat(env("sql-runner")).containsEntry("FORGESYNC_PG_SUPERUSER_PASSWORD", secret("pg-superuser-password"));
    }

    @Test
    void theActuatorListensOnLoopbackOnly() throws IOException {
        assertThat(env("ingest-service")).containsEntry("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1")
                .containsEntry("MANAGEMENT_SERVER_PORT", Integer.toString(INGEST_MANAGEMENT_PORT))
                .doesNotContainKey("SERVER_ADDRESS");
        assertThat(env("sync-worker")).as("a worker serves nothing but the actuator").containsEntry("SERVER_ADDRESS", "127.0.0.1");
        assertThat(Files.readString(record.resolve("start.err")))
                .contains("http://127.0.0.1:" + INGEST_MANAGEMENT_PORT + "/actuator/health");
    }

    @Test
    void servicesLogToARollingFileInsteadOfTheirOutput() throws IOException {
        for (String service : List.of("ingest-service", "control-service", "sync-worker")) {
            assertThat(env(service)).as(service).containsEntry("LOGGING_THRESHOLD_CONSOLE", "OFF")
                    .hasEntrySatisfying("LOGGING_FILE_NAME", file -> assertThat(file).startsWith(state.resolve("logs").toString())
                            .endsWith(".log"));
        }
    }

    @Test
    void theStateSecretsAndLogsAreThisUsersAlone() throws IOException {
        assertThat(mode(state)).isEqualTo("rwx------");
        assertThat(mode(state.resolve("logs"))).isEqualTo("rwx------");
        assertThat(mode(state.resolve("webhook-secret"))).isEqualTo("rw-------");
        assertThat(mode(state.resolve("pg-superuser-password"))).isEqualTo("rw-------");
        assertThat(mode(state.resolve("ops-admin-token"))).isEqualTo("rw-------");
    }

    @Test
    void startSaysWhereTheWebhookSecretIsWithoutPrintingIt() throws IOException {
        assertThat(Files.readString(record.resolve("start.err"))).doesNotContain(secret("webhook-secret"))
                .contains(state.resolve("webhook-secret").toString());
    }

    @Test
    void controlServiceListensOnLoopbackAndStartPrintsItsUrlAndWhereTheTokenIsWithoutPrintingIt() throws IOException {
        assertThat(env("control-service")).containsEntry("SERVER_ADDRESS", "127.0.0.1")
                .containsEntry("SERVER_PORT", Integer.toString(CONTROL_PORT));
        assertThat(Files.readString(record.resolve("start.err")))
                .contains("http://127.0.0.1:" + CONTROL_PORT + "/", state.resolve("ops-admin-token").toString())
                .doesNotContain(secret("ops-admin-token"));
    }

    @Test
    void theOpsTokensReachControlServiceAloneAndTheWebhookSecretNeverReachesIt() throws IOException {
        assertThat(secret("ops-admin-token")).as("generated, none being set").hasSizeGreaterThanOrEqualTo(32);
        assertThat(env("control-service")).containsEntry("FORGESYNC_OPS_ADMIN_TOKEN", secret("ops-admin-token"))
                .doesNotContainKey("FORGESYNC_WEBHOOK_SECRET");
        for (String service : List.of("ingest-service", "sync-worker")) {
            assertThat(env(service)).as(service)
                    .doesNotContainKeys("FORGESYNC_OPS_ADMIN_TOKEN", "FORGESYNC_OPS_READ_TOKEN");
        }
    }

    @Test
    void stopEndsControlServiceToo() throws IOException {
        assertThat(Files.readString(record.resolve("stop.err"))).contains("control-service stopped");
        assertThat(state.resolve("run/control-service.pid")).doesNotExist();
    }

    private static String mode(Path path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static String secret(String name) throws IOException {
        return Files.readString(state.resolve(name));
    }

    private static Map<String, String> env(String what) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(only(what, ".env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static Path only(String what, String suffix) throws IOException {
        List<Path> files = recorded(suffix).stream().filter(p -> p.getFileName().toString().startsWith(what + ".")).toList();
        assertThat(files).as(what + "*" + suffix).hasSize(1);
        return files.get(0);
    }

    private static List<Path> recorded(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(record)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
