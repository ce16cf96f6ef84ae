package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.forgesync.schema.Topics;

/**
 * The top-level docker-compose.yml, read as data (no Docker engine here): every service, image, port, volume,
 * start-up condition and required variable, and no secret written into the file. Where the {@code docker compose}
 * plugin exists, {@code docker compose config} must accept the file too.
 */
class ComposeFileTest {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE = PROJECT.resolve("docker-compose.yml");
    private static final Path GITHUB_APP = PROJECT.resolve("docker-compose.github-app.yml");
    private static final Pattern VARIABLE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?}");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token).*");
    private static final Pattern ONLY_A_VARIABLE = Pattern.compile("\\$\\{[A-Z_][A-Z0-9_]*(:\\?[^}]*|:-)?}");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readComposeFile() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE)) {
            compose = new Yaml().load(reader);
        }
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void declaresTheWholeDeployment() {
        assertThat(services).containsOnlyKeys("postgres", "kafka", "kafka-init", "migrate", "db-roles", "onedev",
                "ingest-service", "sync-worker", "control-service");
        assertThat(images()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "postgres", "postgres:15",
                "kafka", "apache/kafka:4.1.2",
                "kafka-init", "apache/kafka:4.1.2",
                "migrate", "flyway/flyway:11",
                "db-roles", "postgres:15",
                "onedev", "1dev/server:${ONEDEV_TAG:-latest}",
                "ingest-service", "forgesync/ingest-service:${FORGESYNC_VERSION:-0.1.0-SNAPSHOT}",
                "sync-worker", "forgesync/sync-worker:${FORGESYNC_VERSION:-0.1.0-SNAPSHOT}",
                "control-service", "forgesync/control-service:${FORGESYNC_VERSION:-0.1.0-SNAPSHOT}"));
    }

    @Test
    void controlServicePublishesItsPortOnLoopbackOnlyAndTakesItsTokensFromTheEnvironment() {
        Map<String, Object> control = services.get("control-service");

        assertThat(list(control, "ports")).containsExactly("127.0.0.1:${FORGESYNC_CONTROL_PORT:-8070}:8070");
        assertThat(env(control))
                .containsEntry("SPRING_DATASOURCE_USERNAME", "${FORGESYNC_APP_ROLE:-app_user}")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", "${FORGESYNC_APP_PASSWORD:?set it in .env}")
                .containsEntry("SPRING_FLYWAY_ENABLED", "false")
                .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("FORGESYNC_OPS_ADMIN_TOKEN", "${FORGESYNC_OPS_ADMIN_TOKEN:-}")
                .containsEntry("FORGESYNC_OPS_READ_TOKEN", "${FORGESYNC_OPS_READ_TOKEN:-}");
        assertThat(healthcheck(control)).contains("127.0.0.1/8070", "GET /actuator/health");
        assertThat(dependsOn(control)).containsEntry("migrate", "service_completed_successfully")
                .containsEntry("db-roles", "service_completed_successfully")
                .containsEntry("kafka-init", "service_completed_successfully");
    }

    @Test
    void everyLongRunningServiceRestartsHasAHealthCheckALimitAndRotatedLogs() {
        services.forEach((name, service) -> {
            assertThat(service.get("logging")).as(name + " logging").isEqualTo(Map.of("driver", "json-file",
                    "options", Map.of("max-size", "${FORGESYNC_LOG_MAX_SIZE:-10m}", "max-file", "${FORGESYNC_LOG_MAX_FILES:-5}")));
            if (!"no".equals(service.get("restart")) && !"onedev".equals(name)) {
                assertThat(service.get("restart")).as(name + " restart").isEqualTo("unless-stopped");
                assertThat(service).as(name).containsKeys("mem_limit", "cpus", "stop_grace_period");
                healthcheck(service);
            }
        });
    }

    @Test
    void imagesBuiltHereAreNeverPulledAndTheOthersOnlyWhenMissing() {
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            if (image.startsWith("forgesync/")) {
                assertThat(service.get("pull_policy")).as(name).isEqualTo("never");
            } else if (!"onedev".equals(name)) {
                assertThat(service.get("pull_policy")).as(name).isEqualTo("if_not_present");
            }
        });
    }

    @Test
    void postgresKeepsItsDataInAVolumeAndReportsHealth() {
        Map<String, Object> postgres = services.get("postgres");

        assertThat(list(postgres, "volumes")).containsExactly("postgres-data:/var/lib/postgresql/data");
        assertThat(healthcheck(postgres)).contains("pg_isready");
        assertThat(list(postgres, "ports")).singleElement().asString().startsWith("127.0.0.1:").endsWith(":5432");
        assertThat(env(postgres)).containsEntry("POSTGRES_PASSWORD", "${FORGESYNC_DB_OWNER_PASSWORD:?set it in .env}");
    }

    @Test
    void kafkaRunsKraftInCombinedModeWithAVolumeAndAHealthcheck() {
        Map<String, Object> kafka = services.get("kafka");
        Map<String, String> env = env(kafka);

        assertThat(env).containsEntry("KAFKA_NODE_ID", "1")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093")
                .containsEntry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
                .containsEntry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsKey("KAFKA_LISTENERS");
        assertThat(list(kafka, "volumes")).containsExactly("kafka-data:" + env.get("KAFKA_LOG_DIRS"));
        assertThat(healthcheck(kafka)).contains("kafka-broker-api-versions.sh --bootstrap-server localhost:9092");
    }

    @Test
    void kafkaInitCreatesTheSyncRequestsTopicWithItsPartitionsAndRetentionOnce() {
        Map<String, Object> init = services.get("kafka-init");
        String command = String.join(" ", list(init, "command"));

        assertThat(dependsOn(init)).containsExactlyEntriesOf(Map.of("kafka", "service_healthy"));
        assertThat(init.get("restart")).isEqualTo("no");
        assertThat(list(init, "entrypoint")).containsExactly("/opt/kafka/bin/kafka-topics.sh");
        assertThat(command).contains("--bootstrap-server kafka:9092", "--create", "--if-not-exists",
                "--topic " + Topics.SYNC_REQUESTS, "--partitions ${FORGESYNC_SYNC_PARTITIONS:-" + Topics.SYNC_REQUESTS_PARTITIONS + "}",
                "retention.ms=${FORGESYNC_SYNC_RETENTION_MS:-" + Topics.SYNC_REQUESTS_RETENTION_MS + "}");
    }

    @Test
    void migrateAppliesTheProjectsMigrationsOnceWhenPostgresIsHealthy() {
        Map<String, Object> migrate = services.get("migrate");
        String mount = list(migrate, "volumes").get(0);
        Path migrations = PROJECT.resolve(mount.substring(0, mount.indexOf(':')));

        assertThat(mount).isEqualTo("./common-schema/src/main/resources/db/migration:/flyway/sql:ro");
        assertThat(migrations.resolve("V1__initial_schema.sql")).exists();
        assertThat(env(migrate)).containsEntry("FLYWAY_LOCATIONS", "filesystem:/flyway/sql")
                .containsEntry("FLYWAY_URL", "jdbc:postgresql://postgres:5432/${FORGESYNC_DB_NAME:-forgesync}")
                .containsEntry("FLYWAY_USER", "${FORGESYNC_DB_OWNER:-forgesync}");
        assertThat(list(migrate, "command")).containsExactly("migrate");
        assertThat(dependsOn(migrate)).containsExactlyEntriesOf(Map.of("postgres", "service_healthy"));
    }

    @Test
    void dbRolesRunsTheRolesScriptAfterTheMigrations() {
        Map<String, Object> roles = services.get("db-roles");

        assertThat(list(roles, "volumes")).containsExactly("./infra/bin:/forgesync/infra/bin:ro");
        assertThat(list(roles, "entrypoint")).containsExactly("bash", "/forgesync/infra/bin/db-roles.sh");
        assertThat(PROJECT.resolve("infra/bin/db-roles.sh")).exists();
        assertThat(dependsOn(roles)).containsExactlyEntriesOf(Map.of("migrate", "service_completed_successfully"));
        assertThat(env(roles)).containsKeys("FORGESYNC_APP_ROLE", "FORGESYNC_APP_PASSWORD", "FORGESYNC_MONITOR_ROLE",
                "FORGESYNC_MONITOR_PASSWORD", "FORGESYNC_DB_NAME", "FORGESYNC_DB_OWNER", "FORGESYNC_PG_HOST", "PGPASSWORD");
    }

    @Test
    void onedevStartsWithoutTheSetupWizard() {
        Map<String, Object> onedev = services.get("onedev");

        assertThat(list(onedev, "ports")).containsExactly("${ONEDEV_HTTP_PORT:-6610}:6610", "${ONEDEV_SSH_PORT:-6611}:6611");
        assertThat(list(onedev, "volumes")).containsExactly("onedev-data:/opt/onedev");
        assertThat(env(onedev)).containsKeys("initial_user", "initial_password", "initial_email", "initial_server_url");
    }

    @Test
    void ingestServiceConnectsAsTheAppRoleAndWaitsForEverythingItNeeds() {
        Map<String, Object> ingest = services.get("ingest-service");

        assertThat(list(ingest, "ports")).containsExactly("${FORGESYNC_INGEST_PORT:-8080}:8080");
        assertThat(env(ingest))
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/${FORGESYNC_DB_NAME:-forgesync}${FORGESYNC_DB_URL_PARAMS:-}")
                .containsEntry("SPRING_DATASOURCE_USERNAME", "${FORGESYNC_APP_ROLE:-app_user}")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", "${FORGESYNC_APP_PASSWORD:?set it in .env}")
                .containsEntry("SPRING_FLYWAY_ENABLED", "false")
                .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("FORGESYNC_WEBHOOK_SECRET", "${FORGESYNC_WEBHOOK_SECRET:?set it in .env}");
        assertThat(dependsOn(ingest)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "postgres", "service_healthy",
                "kafka", "service_healthy",
                "kafka-init", "service_completed_successfully",
                "migrate", "service_completed_successfully",
                "db-roles", "service_completed_successfully"));
    }

    @Test
    void ingestServicePublishesTheWebhookPortButNeverTheActuator() {
        Map<String, Object> ingest = services.get("ingest-service");
        String managementPort = env(ingest).get("MANAGEMENT_SERVER_PORT");

        assertThat(managementPort).isNotNull().isNotEqualTo("8080");
        assertThat(list(ingest, "ports")).containsExactly("${FORGESYNC_INGEST_PORT:-8080}:8080")
                .noneMatch(port -> port.contains(managementPort));
        assertThat(list(ingest, "expose")).containsExactly(managementPort);
    }

    @Test
    void syncWorkerScalesOutWithoutAFixedHostPort() {
        Map<String, Object> worker = services.get("sync-worker");
        Map<String, String> env = env(worker);

        assertThat(worker).doesNotContainKeys("ports", "container_name", "hostname");
        assertThat(env).containsEntry("FORGESYNC_ONEDEV_URL", "http://onedev:6610")
                .containsEntry("FORGESYNC_ONEDEV_TOKEN", "${FORGESYNC_ONEDEV_TOKEN:-}")
                .containsEntry("FORGESYNC_GITHUB_TOKEN", "${FORGESYNC_GITHUB_TOKEN:-}")
                .containsEntry("FORGESYNC_GITHUB_APP_ID", "${FORGESYNC_GITHUB_APP_ID:-}")
                .doesNotContainKey("FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE") // set by docker-compose.github-app.yml
                .containsEntry("SPRING_DATASOURCE_USERNAME", "${FORGESYNC_APP_ROLE:-app_user}")
                .containsEntry("SPRING_FLYWAY_ENABLED", "false")
                .containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(list(worker, "volumes")).containsExactly(env.get("FORGESYNC_MIRROR_CACHE_DIR"));
        assertThat(dependsOn(worker)).containsEntry("migrate", "service_completed_successfully")
                .containsEntry("db-roles", "service_completed_successfully")
                .containsEntry("kafka-init", "service_completed_successfully")
                .containsEntry("onedev", "service_started");
    }

    /**
     * sync-worker/jvm.options is the one home of the worker's JVM flags; ./forgesync, the e2e pipeline and the bench
     * read it, and the copies that cannot read a file (compose, .env.example, the image's JAVA_TOOL_OPTIONS in the
     * pom, the infra README) carry its line.
     */
    @Test
    void theWorkersJvmFlagsAreTheLineOfSyncWorkerJvmOptionsEverywhere() throws IOException {
        String flags = workerJvmFlags();

        assertThat(flags).contains("-Xmx", "-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=");
        assertThat(env(services.get("sync-worker")))
                .containsEntry("JAVA_TOOL_OPTIONS", "${FORGESYNC_WORKER_JAVA_OPTS:-" + flags + "}");
        assertThat(Files.readAllLines(PROJECT.resolve(".env.example")))
                .contains("FORGESYNC_WORKER_JAVA_OPTS=" + flags);
        String pom = Files.readString(PROJECT.resolve("sync-worker/pom.xml"));
        assertThat(pom).contains("<forgesync.worker.java.options>" + flags + "</forgesync.worker.java.options>",
                "<JAVA_TOOL_OPTIONS>${forgesync.worker.java.options}</JAVA_TOOL_OPTIONS>");
        assertThat(Files.readString(Path.of("README.md"))).contains("`" + flags + "`");
    }

    @Test
    void theJvmRunningTheTestsAcceptsTheWorkersFlags() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        assertThat(run(Map.of(), List.of(java.toString(), "@" + PROJECT.resolve("sync-worker/jvm.options"), "-version")))
                .isZero();
    }

    @Test
    void everyNamedVolumeIsDeclared() {
        Set<String> used = new LinkedHashSet<>();
        services.values().forEach(service -> list(service, "volumes").stream()
                .filter(v -> v.contains(":") && !v.startsWith(".") && !v.startsWith("/"))
                .forEach(v -> used.add(v.substring(0, v.indexOf(':')))));

        Set<String> declared = new LinkedHashSet<>();
        ((Map<?, ?>) compose.get("volumes")).keySet().forEach(name -> declared.add(String.valueOf(name)));

        assertThat(declared).containsExactlyInAnyOrderElementsOf(used);
    }

    @Test
    void noSecretHasALiteralValue() {
        List<String> literal = new ArrayList<>();
        services.forEach((name, service) -> env(service).forEach((key, value) -> {
            if (SECRET_NAME.matcher(key).matches() && !ONLY_A_VARIABLE.matcher(value).matches()) {
                literal.add(name + "." + key + "=" + value);
            }
        }));

        assertThat(literal).isEmpty();
    }

    @Test
    void everyVariableTheFileUsesIsListedInEnvExample() throws IOException {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(Files.readString(COMPOSE));
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> listed = new LinkedHashSet<>();
        for (String line : Files.readAllLines(PROJECT.resolve(".env.example"))) {
            if (!line.startsWith("#") && line.contains("=")) {
                listed.add(line.substring(0, line.indexOf('=')).strip());
            }
        }

        assertThat(listed).containsAll(used);
    }

    @Test
    void everyVariableTheFileUsesIsDocumentedInTheInfraReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = VARIABLE.matcher(Files.readString(COMPOSE));
        Set<String> undocumented = new LinkedHashSet<>();
        while (m.find()) {
            if (!readme.contains("`" + m.group(1) + "`")) {
                undocumented.add(m.group(1));
            }
        }

        assertThat(undocumented).isEmpty();
    }

    @Test
    void requiredSecretsAreEmptyInEnvExample() throws IOException {
        for (String line : Files.readAllLines(PROJECT.resolve(".env.example"))) {
            if (!line.startsWith("#") && line.contains("=") && SECRET_NAME.matcher(line.substring(0, line.indexOf('='))).matches()) {
                assertThat(line).as("a secret in .env.example").endsWith("=");
            }
        }
    }

    @Test
    void dockerComposeConfigAcceptsTheFile() throws Exception {
        List<String> config = composeConfigCommand();
        assumeThat(config).as("a docker compose CLI (plugin v2 or docker-compose v1) is installed").isNotEmpty();

        assertThat(run(withRequiredSecrets(), config)).isZero();
    }

    @Test
    void dockerComposeConfigStopsWhileARequiredSecretIsMissing() throws Exception {
        List<String> config = composeConfigCommand();
        assumeThat(config).as("a docker compose CLI (plugin v2 or docker-compose v1) is installed").isNotEmpty();
        Map<String, String> env = withRequiredSecrets();
        env.put("FORGESYNC_WEBHOOK_SECRET", "");

        assertThat(run(env, config)).isNotZero();
    }

    @Test
    void theDefaultFileDeclaresNoSecretFileThatMustExist() {
        // Compose v1 refuses to start a service whose secret file is missing (even /dev/null): the GitHub App's key
        // lives in the override file, used only by those who configure an App.
        assertThat(compose).doesNotContainKey("secrets");
        services.forEach((name, service) -> assertThat(service).as(name).doesNotContainKey("secrets"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGithubAppOverrideMountsTheKeyAsASecretForTheWorkersAndControlService() throws IOException {
        Map<String, Object> override;
        try (Reader reader = Files.newBufferedReader(GITHUB_APP)) {
            override = new Yaml().load(reader);
        }
        Map<String, Map<String, Object>> overridden = (Map<String, Map<String, Object>>) override.get("services");

        assertThat(overridden).containsOnlyKeys("sync-worker", "control-service");
        overridden.forEach((name, service) -> {
            assertThat(list(service, "secrets")).as(name).containsExactly("github-app-key");
            assertThat(env(service)).as(name)
                    .containsExactly(Map.entry("FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE", "/run/secrets/github-app-key"));
        });
        assertThat(override.get("secrets")).isEqualTo(Map.of("github-app-key", Map.of("file",
                "${FORGESYNC_GITHUB_APP_KEY_HOST_PATH:?set it in .env to the path of the GitHub App's private key}")));
    }

    @Test
    void dockerComposeConfigAcceptsTheGithubAppOverrideOnlyWithTheKeysPath() throws Exception {
        List<String> config = composeConfigCommand(GITHUB_APP);
        assumeThat(config).as("a docker compose CLI (plugin v2 or docker-compose v1) is installed").isNotEmpty();
        Path key = Files.writeString(Path.of("target", "github-app-test.pem").toAbsolutePath(), "not a key\n");
        Map<String, String> env = withRequiredSecrets();

        assertThat(run(env, config)).as("without FORGESYNC_GITHUB_APP_KEY_HOST_PATH").isNotZero();
        env.put("FORGESYNC_GITHUB_APP_KEY_HOST_PATH", key.toString());
        assertThat(run(env, config)).isZero();
    }

    private static Map<String, String> withRequiredSecrets() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String secret : List.of("FORGESYNC_DB_OWNER_PASSWORD", "FORGESYNC_APP_PASSWORD", "FORGESYNC_MONITOR_PASSWORD",
                "FORGESYNC_WEBHOOK_SECRET", "ONEDEV_ADMIN_PASSWORD")) {
            env.put(secret, "test-only");
        }
        return env;
    }

    /**
     * {@code docker compose config} (v2 plugin) or, failing that, {@code docker-compose config} (v1, Debian's package)
     * on a copy without the top-level {@code name:} that v1 does not know; empty when neither is installed.
     */
    private static List<String> composeConfigCommand(Path... overrides) throws IOException, InterruptedException {
        Path env = Path.of("target", "compose-test.env").toAbsolutePath(); // empty: no developer's .env leaks in
        Files.createDirectories(env.getParent());
        Files.writeString(env, "");
        List<String> command = new ArrayList<>();
        Path file = COMPOSE;
        if (run(Map.of(), List.of("docker", "compose", "version")) == 0) {
            command.addAll(List.of("docker", "compose"));
        } else if (run(Map.of(), List.of("docker-compose", "version")) == 0) {
            command.add("docker-compose");
            file = Path.of("target", "docker-compose.v1.yml").toAbsolutePath();
            Files.writeString(file, Files.readString(COMPOSE).replaceFirst("(?m)^name: .*\\R", ""));
        } else {
            return List.of();
        }
        command.addAll(List.of("--project-directory", PROJECT.toString(), "--env-file", env.toString(),
                "-f", file.toString()));
        for (Path override : overrides) {
            command.addAll(List.of("-f", override.toString()));
        }
        command.addAll(List.of("config", "--quiet"));
        return command;
    }

    private static int run(Map<String, String> env, List<String> command) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "compose-test.log").toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1; // not installed
        }
    }

    /** The flags line of sync-worker/jvm.options (its other lines are comments). */
    private static String workerJvmFlags() throws IOException {
        List<String> lines = Files.readAllLines(PROJECT.resolve("sync-worker/jvm.options")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(lines).as("sync-worker/jvm.options: one line of flags").hasSize(1);
        return lines.get(0);
    }

        private static Map<String, String> images() {
        Map<String, String> images = new LinkedHashMap<>();
        services.forEach((name, service) -> images.put(name, (String) service.get("image")));
        return images;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> service, String key) {
        Object raw = service.get(key);
        List<String> values = new ArrayList<>();
        if (raw instanceof List<?> items) {
            items.forEach(item -> values.add(String.valueOf(item)));
        } else if (raw != null) {
            values.add(String.valueOf(raw));
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> conditions = new LinkedHashMap<>();
        Object raw = service.get("depends_on");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((name, spec) -> conditions.put(String.valueOf(name), String.valueOf(((Map<String, Object>) spec).get("condition"))));
        }
        return conditions;
    }

    @SuppressWarnings("unchecked")
    private static String healthcheck(Map<String, Object> service) {
        Map<String, Object> check = (Map<String, Object>) service.get("healthcheck");
        assertThat(check).as("healthcheck").isNotNull().containsKeys("test", "interval", "retries");
        return String.join(" ", list(check, "test"));
    }
}
