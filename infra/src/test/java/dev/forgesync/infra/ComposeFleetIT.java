package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.TcpForwarder;
import dev.forgesync.testsupport.Webhooks;
import dev.forgesync.testsupport.onedev.OneDevStandIn;

/**
 * The project's docker-compose.yml, run for real on this machine's Docker engine with the images
 * infra/images/build-all.sh built: PostgreSQL, Kafka, topic init, migrations, roles, ingest, workers and control,
 * with test-support's OneDev and GitHub stand-ins in place of OneDev and GitHub (src/test/resources/compose/
 * docker-compose.it.yml). Signed webhooks go to the published ingest port; the mirrors must appear in the OneDev
 * stand-in. Then three workers share the topic's partitions, a stopped worker's repositories finish on the others,
 * and `down` + `up` with the volumes kept loses nothing. Skipped where no engine or compose CLI answers (a laptop
 * without Docker); where one does, a missing image fails the test (run infra/images/build-all.sh).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeFleetIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Path OVERRIDE = Path.of("src/test/resources/compose/docker-compose.it.yml").toAbsolutePath();
    private static final String SECRET = "compose-it-" + random();
    private static final String ONEDEV_TOKEN = "onedevToken" + random();
    private static final String GROUP = "forgesync-sync-workers";
    private static final Duration FLEET_START = Duration.ofMinutes(6);
    private static final Duration MIRRORED = Duration.ofMinutes(4);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final PersonIdent AUTHOR = new PersonIdent("Compose IT", "compose-it@forgesync.invalid");

    @TempDir
    static Path temp;

    private final String projectName = "forgesync-it-" + random().substring(0, 8);
    private final List<String> mirrored = new ArrayList<>();
    private List<String> compose;
    private GitHttpServer github;
    private OneDevStandIn onedev;
    private TcpForwarder githubForwarder;
    private TcpForwarder onedevForwarder;
    private Path log;
    private int ingestPort;

    @BeforeAll
    void startTheFleet() throws Exception {
        assumeThat(run(List.of("docker", "info"), Duration.ofSeconds(20)).status()).as("a Docker engine answers").isZero();
        compose = composeCommand();
        assumeThat(compose).as("docker compose (v2) or docker-compose (v1) is installed").isNotEmpty();
        for (String image : List.of("postgres:15", "apache/kafka:4.1.2", "flyway/flyway:11", "forgesync/java17-base:bookworm",
                "forgesync/ingest-service:0.1.0-SNAPSHOT", "forgesync/sync-worker:0.1.0-SNAPSHOT",
                "forgesync/control-service:0.1.0-SNAPSHOT")) {
            if (run(List.of("docker", "image", "inspect", image), Duration.ofSeconds(20)).status() != 0) {
                fail("image " + image + " is missing: run infra/images/build-all.sh (after infra/bin/docker-up.sh)");
            }
        }
        log = Path.of("target", "compose-fleet-it.log").toAbsolutePath();
        Files.createDirectories(log.getParent());

        github = GitHttpServer.builder(Files.createDirectories(temp.resolve("github"))).start();
        onedev = OneDevStandIn.start(Files.createDirectories(temp.resolve("onedev")), ONEDEV_TOKEN);
        InetAddress gateway = dockerBridgeGateway();
        githubForwarder = new TcpForwarder(gateway, 0, github.baseUri().getAuthority());
        githubForwarder.start();
        onedevForwarder = new TcpForwarder(gateway, 0, onedev.baseUri().getAuthority());
        onedevForwarder.start();

        ingestPort = TcpForwarder.freePort();
        Path env = temp.resolve("compose.env");
        Files.writeString(env, String.join("\n",
                "FORGESYNC_DB_OWNER_PASSWORD=owner-" + random(),
                "FORGESYNC_APP_PASSWORD=app-" + random(),
                "FORGESYNC_MONITOR_PASSWORD=monitor-" + random(),
                "FORGESYNC_WEBHOOK_SECRET=" + SECRET,
                "FORGESYNC_ONEDEV_TOKEN=" + ONEDEV_TOKEN,
                "ONEDEV_ADMIN_PASSWORD=unused-" + random(),
                "FORGESYNC_INGEST_PORT=" + ingestPort,
                "FORGESYNC_PG_PUBLISHED_PORT=" + TcpForwarder.freePort(),
                "FORGESYNC_CONTROL_PORT=" + TcpForwarder.freePort(),
                "ONEDEV_HTTP_PORT=" + TcpForwarder.freePort(),
                "ONEDEV_SSH_PORT=" + TcpForwarder.freePort(),
                "FORGESYNC_SYNC_PARTITIONS=6",
                "FORGESYNC_KAFKA_HEAP=384m",
                "IT_GITHUB_URL=http://host.docker.internal:" + githubForwarder.port(),
                "IT_ONEDEV_URL=http://host.docker.internal:" + onedevForwarder.port()) + "\n");
        List<String> base = new ArrayList<>(compose);
        base.addAll(List.of("-p", projectName, "--project-directory", PROJECT.toString(), "--env-file", env.toString(),
                "-f", composeFile().toString(), "-f", OVERRIDE.toString()));
        compose = base;

        composeOk(Duration.ofMinutes(10), "up", "-d");
        awaitIngestAnswers();
    }

    @AfterAll
    void stopTheFleet() throws Exception {
        if (compose != null && github != null) {
            run(withCompose("logs", "--no-color", "--tail", "200"), Duration.ofMinutes(1));
            run(withCompose("down", "-v", "--remove-orphans", "-t", "20"), Duration.ofMinutes(3));
        }
        for (AutoCloseable closeable : new AutoCloseable[] {githubForwarder, onedevForwarder, github, onedev}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    @Order(1)
    void theWholeFleetRunsAndSignedWebhooksThroughThePublishedIngestPortAreMirrored() throws Exception {
        assertThat(servicesRunning()).contains("postgres", "kafka", "ingest-service", "sync-worker", "control-service");
        assertThat(exitCodes()).containsEntry("migrate", "0").containsEntry("db-roles", "0").containsEntry("kafka-init", "0");

        List<String> repositories = createSources("first", 3);
        repositories.forEach(this::sendPush);

        awaitMirrored(repositories);
        assertThat(sql("SELECT count(*) FROM flyway_schema_history WHERE success")).isNotEqualTo("0");
    }

    @Test
    @Order(2)
    void threeWorkersShareTheTopicsPartitions() throws Exception {
        composeOk(Duration.ofMinutes(5), "up", "-d", "--no-recreate", "--scale", "sync-worker=3");

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(consumerHostsOfTheSyncTopic()).hasSize(3));
    }

    @Test
    @Order(3)
    void aStoppedWorkersRepositoriesFinishOnTheOthers() throws Exception {
        List<String> workers = containerIds("sync-worker");
        assertThat(workers).hasSize(3);
        List<String> repositories = createSources("second", 6);

        repositories.forEach(this::sendPush);
        assertThat(run(List.of("docker", "stop", "-t", "30", workers.get(0)), Duration.ofMinutes(1)).status()).isZero();

        awaitMirrored(repositories);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(consumerHostsOfTheSyncTopic()).hasSize(2));
    }

    @Test
    @Order(4)
    void downAndUpAgainWithTheVolumesKeptLosesNothing() throws Exception {
        String events = sql("SELECT count(*) FROM webhook_events");
        String syncs = sql("SELECT count(*) FROM sync_logs");
        assertThat(Integer.parseInt(events)).isGreaterThanOrEqualTo(mirrored.size());

        composeOk(Duration.ofMinutes(3), "down", "-t", "30");
        composeOk(Duration.ofMinutes(10), "up", "-d", "--scale", "sync-worker=2");
        awaitIngestAnswers();

        assertThat(sql("SELECT count(*) FROM webhook_events")).isEqualTo(events);
        assertThat(Integer.parseInt(sql("SELECT count(*) FROM sync_logs"))).isGreaterThanOrEqualTo(Integer.parseInt(syncs));
        // The same repositories, a new commit each: the pipeline picks up where it was, on the kept topic and database.
        String repository = mirrored.get(0);
        commit(github.root().resolve(repository + ".git"), "master", "after-restart.txt", "after the restart\n");
        sendPush(repository);
        awaitMirrored(List.of(repository));
    }

    // --- the stand-ins' repositories ---

    private List<String> createSources(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String fullName = "compose-it/" + prefix + "-" + i;
            Path dir = github.createBareRepository(fullName);
            ObjectId first = commit(dir, "master", "README.md", "# " + fullName + "\n");
            commit(dir, "feature", "feature.txt", "feature of " + fullName + "\n");
            try (Repository repo = open(dir)) {
                update(repo, Constants.R_TAGS + "v1", first);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            names.add(fullName);
        }
        return names;
    }

    private void awaitMirrored(List<String> repositories) {
        await().atMost(MIRRORED).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (String name : repositories) {
                Path mirror = onedev.projectByPath("github/" + name).map(p -> onedev.repositoryDirectory(p.id()))
                        .orElse(null);
                assertThat(mirror).as("OneDev project of %s", name).isNotNull();
                assertThat(refs(mirror)).as("OneDev refs of %s", name).isEqualTo(refs(github.root().resolve(name + ".git")));
            }
        });
        repositories.stream().filter(name -> !mirrored.contains(name)).forEach(mirrored::add);
    }

    private void sendPush(String fullName) {
        long githubId = 900_000L + Math.abs(fullName.hashCode() % 100_000);
        Webhooks.Delivery delivery = Webhooks.forRepository("push", "push.payload.json", SECRET, fullName, githubId)
                .withNewDeliveryId();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort + "/webhooks/github"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", delivery.event())
                .header("X-GitHub-Delivery", delivery.deliveryId())
                .header("X-Hub-Signature-256", delivery.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
                .build();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isBetween(200, 299));
    }

    private void awaitIngestAnswers() {
        await().atMost(FLEET_START).pollInterval(Duration.ofSeconds(3)).ignoreExceptions().untilAsserted(() -> {
            HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort + "/webhooks/github"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            assertThat(HTTP.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode()).isLessThan(500);
        });
        await().atMost(FLEET_START).pollInterval(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(unhealthy()).as("services not (yet) healthy").isEmpty());
    }

    // --- what compose and the containers say ---

    private Set<String> servicesRunning() throws Exception {
        return new LinkedHashSet<>(lines(composeOk(Duration.ofMinutes(1), "ps", "--services", "--filter", "status=running")));
    }

    /** Exit codes of the one-shot services, from `docker inspect` of their containers. */
    private Map<String, String> exitCodes() throws Exception {
        Map<String, String> codes = new TreeMap<>();
        for (String service : List.of("migrate", "db-roles", "kafka-init")) {
            for (String id : containerIds(service)) {
                codes.put(service, docker("inspect", "-f", "{{.State.ExitCode}}", id).strip());
            }
        }
        return codes;
    }

    /** Long-running containers whose health check does not (yet) pass. */
    private List<String> unhealthy() throws Exception {
        List<String> bad = new ArrayList<>();
        for (String service : List.of("postgres", "kafka", "ingest-service", "sync-worker", "control-service")) {
            for (String id : containerIds(service)) {
                String health = docker("inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", id).strip();
                if (!"healthy".equals(health)) {
                    bad.add(service + "=" + health);
                }
            }
        }
        return bad;
    }

    private List<String> containerIds(String service) throws Exception {
        return lines(composeOk(Duration.ofMinutes(1), "ps", "-q", service)).stream()
                .filter(id -> {
                    try {
                        return "running".equals(docker("inspect", "-f", "{{.State.Status}}", id).strip())
                                || List.of("migrate", "db-roles", "kafka-init").contains(service);
                    } catch (Exception e) {
                        return false;
                    }
                }).toList();
    }

    /** The distinct consumer hosts the broker lists for the sync-requests topic's partitions in the workers' group. */
    private Set<String> consumerHostsOfTheSyncTopic() throws Exception {
        String out = composeOk(Duration.ofMinutes(1), "exec", "-T", "kafka", "/opt/kafka/bin/kafka-consumer-groups.sh",
                "--bootstrap-server", "localhost:9092", "--describe", "--group", GROUP);
        Set<String> hosts = new LinkedHashSet<>();
        for (String line : lines(out)) {
            String[] columns = line.trim().split("\\s+");
            // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
            if (columns.length >= 9 && columns[1].equals(Topics.SYNC_REQUESTS) && !columns[6].equals("-")) {
                hosts.add(columns[7]);
            }
        }
        return hosts;
    }

    private String sql(String query) throws Exception {
        return composeOk(Duration.ofMinutes(1), "exec", "-T", "postgres", "sh", "-c",
                "psql -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -qtAX -c \"$0\"", query).strip();
    }

    // --- running compose and docker ---

    private String composeOk(Duration timeout, String... args) throws Exception {
        Finished finished = run(withCompose(args), timeout);
        assertThat(finished.status()).as("%s\n%s", String.join(" ", args), finished.output()).isZero();
        return finished.output();
    }

    private List<String> withCompose(String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of(args));
        return command;
    }

    private String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Finished finished = run(command, Duration.ofMinutes(1));
        assertThat(finished.status()).as("docker %s\n%s", String.join(" ", args), finished.output()).isZero();
        return finished.output();
    }

    private record Finished(int status, String output) {
    }

    /** Runs a command; its output is returned and appended to target/compose-fleet-it.log (no secret is in it). */
    private Finished run(List<String> command, Duration timeout) throws InterruptedException {
        try {
            Path out = Files.createTempFile("compose-it", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            if (log != null) {
                Files.writeString(log, "$ " + String.join(" ", command.subList(0, Math.min(command.size(), 2))) + " ... "
                        + String.join(" ", command.subList(Math.max(0, command.size() - 6), command.size())) + "\n" + output,
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
            return new Finished(done ? process.exitValue() : -1, output);
        } catch (IOException e) {
            return new Finished(-1, e.toString()); // not installed
        }
    }

    /** `docker compose` where the v2 plugin answers, else Debian's `docker-compose` (v1); empty without either. */
    private List<String> composeCommand() throws InterruptedException {
        if (run(List.of("docker", "compose", "version"), Duration.ofSeconds(20)).status() == 0) {
            return List.of("docker", "compose");
        }
        if (run(List.of("docker-compose", "version"), Duration.ofSeconds(20)).status() == 0) {
            return List.of("docker-compose");
        }
        return List.of();
    }

    /** The project's compose file; for v1, a copy without the top-level `name:` it does not know. */
    private Path composeFile() throws IOException {
        Path file = PROJECT.resolve("docker-compose.yml");
        if (compose.equals(List.of("docker-compose"))) {
            Path v1 = temp.resolve("docker-compose.v1.yml");
            Files.writeString(v1, Files.readString(file).replaceFirst("(?m)^name: .*\\R", ""));
            return v1;
        }
        return file;
    }

    /** The address of the default bridge (docker0): what `host-gateway` names inside the containers. */
    private static InetAddress dockerBridgeGateway() throws IOException {
        NetworkInterface bridge = NetworkInterface.getByName("docker0");
        assertThat(bridge).as("the docker0 bridge").isNotNull();
        return bridge.inetAddresses().filter(a -> a.getAddress().length == 4).findFirst()
                .orElseThrow(() -> new IllegalStateException("docker0 has no IPv4 address"));
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static String random() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // --- git ---

    private static ObjectId commit(Path bareRepo, String branch, String file, String content) {
        try (Repository repo = open(bareRepo); ObjectInserter inserter = repo.newObjectInserter()) {
            ObjectId parent = repo.resolve(Constants.R_HEADS + branch);
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append(file, FileMode.REGULAR_FILE, blob);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(tree));
            if (parent != null) {
                commit.setParentId(parent);
            }
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage("compose it " + file + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            update(repo, Constants.R_HEADS + branch, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> refs(Path bareRepo) throws IOException {
        Map<String, String> refs = new TreeMap<>();
        try (Repository repo = open(bareRepo)) {
            for (Ref ref : repo.getRefDatabase().getRefs()) {
                if ((ref.getName().startsWith(Constants.R_HEADS) || ref.getName().startsWith(Constants.R_TAGS))
                        && ref.getObjectId() != null) {
                    refs.put(ref.getName(), ref.getObjectId().name());
                }
            }
        }
        return refs;
    }

    private static Repository open(Path bareRepo) throws IOException {
        return new FileRepositoryBuilder().setGitDir(bareRepo.toFile()).setBare().build();
    }

    private static void update(Repository repo, String ref, ObjectId id) throws IOException {
        RefUpdate update = repo.updateRef(ref);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED && result != RefUpdate.Result.FAST_FORWARD
                && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("ref update " + ref + ": " + result);
        }
    }
}
