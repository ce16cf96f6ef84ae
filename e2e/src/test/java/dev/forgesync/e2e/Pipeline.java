package dev.forgesync.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.eclipse.jgit.lib.ObjectId;

import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.onedev.OneDevStandIn;

/**
 * The whole pipeline, each part real: the Kafka broker process (infra/bin/kafka.sh), a fresh PostgreSQL database,
 * ingest-service and N sync-workers started from their jars as separate processes, and - in this JVM - GitHub
 * (a {@link GitHttpServer} over bare repositories) and OneDev ({@link OneDevStandIn}). Started once per test class;
 * processes a scenario kills are replaced with {@link #restartIngest()} / {@link #addWorker()}.
 *
 * <p>The GitHub and OneDev tokens are one canary value ({@link #CANARY}) that must never be written anywhere.
 */
final class Pipeline implements AutoCloseable {

    static final String SECRET = "e2e-webhook-secret";
    /** Set as both the GitHub and the OneDev token; the security scan looks for it everywhere. */
    static final String CANARY = "fsCanary" + HexFormat.of().formatHex(randomBytes(12));
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /**
     * How long a repository may stay {@code pending} or {@code in_progress} untouched with nothing in flight before
     * the ledger calls it stranded: longer than control-service's recovery sweep takes to re-request it here.
     */
    static final Duration STRANDED_AFTER = Duration.ofSeconds(60);

    private final Path home;
    private final Path logDir;
    private final Options options;
    private final List<ServiceProcess> workers = new CopyOnWriteArrayList<>();
    private final List<Path> cacheDirs = new CopyOnWriteArrayList<>();
    private final Map<ServiceProcess, Path> cacheOf = new java.util.concurrent.ConcurrentHashMap<>();
    private KafkaBroker broker;
    private Db db;
    private GitHttpServer github;
    private OneDevStandIn onedev;
    private ServiceProcess ingest;
    private ServiceProcess control;
    private int workerCount;

    /** What a test class may change. */
    static final class Options {
        int workers = 2;
        Db database;
        String heapIngest = "256m";
        boolean fastJit = true;
        java.util.function.Consumer<Path> prepareCache = dir -> { };
        final Map<String, String> workerEnv = new LinkedHashMap<>();
        final Map<String, String> ingestEnv = new LinkedHashMap<>();
        final Map<String, String> controlEnv = new LinkedHashMap<>();

        Options workers(int n) {
            workers = n;
            return this;
        }

        Options database(Db value) {
            database = value;
            return this;
        }

        Options workerEnv(String name, String value) {
            workerEnv.put(name, value);
            return this;
        }

        Options ingestEnv(String name, String value) {
            ingestEnv.put(name, value);
            return this;
        }

        Options controlEnv(String name, String value) {
            controlEnv.put(name, value);
            return this;
        }

        /** Runs on each worker's (empty, existing) cache folder before the worker starts: a small mount, say. */
        Options prepareCache(java.util.function.Consumer<Path> action) {
            prepareCache = action;
            return this;
        }

        Options fullJit() {
            fastJit = false;
            return this;
        }
    }

    /** A database the services use (a fresh one on the shared server unless a test brings its own). */
    record Db(String jdbcUrl, String username, String password) {
        Connection connect() throws SQLException {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", username);
            if (password != null) {
                props.setProperty("password", password);
            }
            props.setProperty("connectTimeout", "5");
            return java.sql.DriverManager.getConnection(jdbcUrl, props);
        }
    }

    private Pipeline(String name, Options options) {
        Path target = Path.of("target").toAbsolutePath();
        this.home = target.resolve("e2e").resolve(name);
        this.logDir = target.resolve("e2e-logs").resolve(name);
        this.options = options;
    }

    static Options options() {
        return new Options();
    }

    /** Starts everything; on a failure, stops what was started and rethrows. */
    static Pipeline start(String name, Options options) {
        Pipeline p = new Pipeline(name, options);
        try {
            p.startAll();
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    private void startAll() {
        KafkaBroker.deleteRecursively(home);
        KafkaBroker.deleteRecursively(logDir);
        mkdirs(home);
        mkdirs(logDir);
        // e2e.kafka.state: another folder lets a second pipeline run beside this one (each stops its folder's broker).
        Path kafkaState = Path.of(System.getProperty("e2e.kafka.state", "target/kafka-state"));
        broker = KafkaBroker.start(kafkaState.toAbsolutePath());
        db = options.database != null ? options.database : freshDatabase();
        github = GitHttpServer.builder(mkdirs(home.resolve("github"))).start();
        onedev = OneDevStandIn.start(mkdirs(home.resolve("onedev")), CANARY);
        ingest = newIngest().start();
        for (int i = 0; i < options.workers; i++) {
            workers.add(newWorker().start());
        }
        ingest.awaitReady(START_TIMEOUT);
        workers.forEach(w -> w.awaitReady(START_TIMEOUT));
        // After the others: four JVMs starting at once on a small machine outlast the start timeout.
        control = newControl().start();
        control.awaitReady(START_TIMEOUT);
    }

    private static Db freshDatabase() {
        TestDatabase database = TestDatabase.create("e2e");
        database.migrate();
        return new Db(database.jdbcUrl(), database.username(), database.password());
    }

    // --- processes ---

    ServiceProcess ingest() {
        return ingest;
    }

    ServiceProcess control() {
        return control;
    }

    List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    List<ServiceProcess> liveWorkers() {
        return workers.stream().filter(ServiceProcess::isAlive).toList();
    }

    KafkaBroker broker() {
        return broker;
    }

    GitHttpServer github() {
        return github;
    }

    OneDevStandIn onedev() {
        return onedev;
    }

    Db db() {
        return db;
    }

    Path logDir() {
        return logDir;
    }

    List<Path> cacheDirs() {
        return List.copyOf(cacheDirs);
    }

    /** The live worker whose mirror cache holds {@code owner/name} (the one that started fetching it), if any. */
    java.util.Optional<ServiceProcess> workerWithCacheOf(String fullName) {
        return liveWorkers().stream()
                .filter(w -> Files.isDirectory(cacheOf.get(w).resolve(fullName + ".git")))
                .findFirst();
    }

    /** Stops the GitHub stand-in: connections to its port are refused until {@link #githubUp()}. */
    void githubDown() {
        githubPort = github.baseUri().getPort();
        github.close();
    }

    /** Starts the GitHub stand-in again on the same port over the same repositories. */
    void githubUp() {
        github = GitHttpServer.builder(home.resolve("github")).port(githubPort).start();
    }

    private int githubPort;

    /** A new ingest-service process after the old one died (same port, same database). */
    void restartIngest() {
        if (ingest.isAlive()) {
            ingest.close();
        }
        ingest = newIngest().start().awaitReady(START_TIMEOUT);
    }

    /** One more sync-worker process, started and ready. */
    ServiceProcess addWorker() {
        ServiceProcess worker = newWorker().start().awaitReady(START_TIMEOUT);
        workers.add(worker);
        return worker;
    }

    /** Stops one worker for good (SIGTERM) and forgets it. */
    void removeWorker(ServiceProcess worker) {
        worker.close();
        workers.remove(worker);
    }

    private int ingestPort;
    private int ingestManagementPort;

    private ServiceProcess newIngest() {
        if (ingestPort == 0) {
            ingestPort = Signals.freePort();
            ingestManagementPort = Signals.freePort();
        }
        Map<String, String> env = new LinkedHashMap<>(commonEnv());
        env.put("FORGESYNC_WEBHOOK_SECRET", SECRET);
        env.put("FORGESYNC_RELAY_INTERVAL", "1s");
        env.put("FORGESYNC_RELAY_GRACE", "3s");
        env.put("FORGESYNC_PUBLISH_HAND_OVER", "1s");
        env.putAll(options.ingestEnv);
        return new ServiceProcess("ingest", Path.of(jar("e2e.ingest.jar")), ingestPort, env, logDir)
                .managementPort(ingestManagementPort)
                .jvmOptions(jvmOptions("-Xmx" + options.heapIngest, "-XX:+UseSerialGC"));
    }

    /** control-service: the recovery sweep, a second outbox relay, retention (the ops API off: no token). */
    private ServiceProcess newControl() {
        Map<String, String> env = new LinkedHashMap<>(commonEnv());
        env.put("FORGESYNC_RELAY_INTERVAL", "1s");
        env.put("FORGESYNC_RELAY_GRACE", "3s");
        env.put("FORGESYNC_PUBLISH_HAND_OVER", "1s");
        // The recovery sweep on a scale the scenarios can wait for (STRANDED_AFTER is longer): a request lost after
        // it left the outbox is asked for again after 20 s, a claim without heartbeats after 10 s in tests (five of
        // the workers' 2 s heartbeats: a worker killed mid-sync is re-requested 10 s after its last one, which is
        // what the crash scenarios wait for) and after 20 s in the benchmarks (fullJit, 5 s heartbeats).
        env.put("FORGESYNC_RECOVERY_INTERVAL", "2s");
        env.put("FORGESYNC_RECOVERY_PENDING_AFTER", "20s");
        env.put("FORGESYNC_RECOVERY_IN_PROGRESS_AFTER", options.fastJit ? "10s" : "20s");
        env.put("FORGESYNC_RECOVERY_FAILED_OVERDUE", "20s");
        // Freshness reads ref advertisements from the git host the workers clone from, not github.com.
        env.put("FORGESYNC_GITHUB_BASE_URL", github.baseUri().toString());
        env.putAll(options.controlEnv);
        return new ServiceProcess("control", Path.of(jar("e2e.control.jar")), Signals.freePort(), env, logDir)
                .jvmOptions(jvmOptions("-Xmx256m", "-XX:+UseSerialGC"));
    }

    private ServiceProcess newWorker() {
        int index = ++workerCount;
        Path cache = home.resolve("cache").resolve("worker-" + index);
        cacheDirs.add(cache);
        mkdirs(cache);
        options.prepareCache.accept(cache);
        Map<String, String> env = new LinkedHashMap<>(commonEnv());
        env.put("FORGESYNC_GITHUB_BASE_URL", github.baseUri().toString());
        env.put("FORGESYNC_GITHUB_TOKEN", CANARY);
        env.put("FORGESYNC_ONEDEV_URL", onedev.baseUri().toString());
        env.put("FORGESYNC_ONEDEV_TOKEN", CANARY);
        env.put("FORGESYNC_ONEDEV_CONNECT_TIMEOUT", "2s");
        env.put("FORGESYNC_ONEDEV_REQUEST_TIMEOUT", "3s");
        env.put("FORGESYNC_MIRROR_CACHE_DIR", cache.toString());
        env.put("FORGESYNC_MIRROR_IO_TIMEOUT", "15s");
        env.put("FORGESYNC_SYNC_TIMEOUT", "20s");
        // Tests: a dead worker's claim goes stale after 10 s (OutageFaultIT's values), which the crash scenarios wait
        // for. The benchmarks (fullJit) keep 20 s and 5 s: a minutes-long mirror on a saturated machine.
        env.put("FORGESYNC_SYNC_CLAIM_TTL", options.fastJit ? "10s" : "20s");
        env.put("FORGESYNC_SYNC_HEARTBEAT_INTERVAL", options.fastJit ? "2s" : "5s");
        env.put("FORGESYNC_RETRY_ATTEMPTS", "4");
        env.put("FORGESYNC_RETRY_INITIAL_DELAY", "1s");
        env.put("FORGESYNC_RETRY_MULTIPLIER", "2.0");
        env.put("FORGESYNC_RETRY_MAX_DELAY", "4s");
        env.put("FORGESYNC_RETRY_TOPIC_PARTITIONS", Integer.toString(Topics.SYNC_REQUESTS_PARTITIONS));
        env.put("SPRING_KAFKA_CONSUMER_PROPERTIES_SESSION_TIMEOUT_MS", "8000");
        env.put("SPRING_KAFKA_CONSUMER_PROPERTIES_HEARTBEAT_INTERVAL_MS", "2000");
        if (options.fastJit) {
            // Tests stop at C1 and restart workers often: the JIT warm-up (JitWarmUp) would cost seconds a start
            // for code that is never compiled by C2 here. fullJit() (the benchmark) keeps the production default.
            env.put("FORGESYNC_GIT_WARM_UP_COMMITS", "0");
        }
        env.putAll(options.workerEnv);
        Path workerJar = Path.of(jar("e2e.worker.jar"));
        ServiceProcess worker = new ServiceProcess("worker-" + index, workerJar, Signals.freePort(), env, logDir)
                .jvmOptions(workerJvmOptions(workerJar));
        cacheOf.put(worker, cache);
        return worker;
    }

    /**
     * A worker runs with the flags of sync-worker/jvm.options (their one home, beside the jar's target folder), as
     * {@code ./forgesync start} runs it; {@code -De2e.worker.jvm="..."} adds diagnosis options after them (native
     * memory tracking, a flight recording).
     */
    private List<String> workerJvmOptions(Path jar) {
        Path flags = jar.toAbsolutePath().normalize().getParent().resolveSibling("jvm.options");
        if (!Files.isRegularFile(flags)) {
            throw new IllegalStateException(flags + " does not exist: the worker's JVM flags live there");
        }
        List<String> extra = new ArrayList<>(List.of("@" + flags));
        String diagnosis = System.getProperty("e2e.worker.jvm", "").strip();
        if (!diagnosis.isEmpty()) {
            extra.addAll(List.of(diagnosis.split("\\s+")));
        }
        return jvmOptions(extra.toArray(String[]::new));
    }

    private List<String> jvmOptions(String... first) {
        List<String> opts = new ArrayList<>(List.of(first));
        if (options.fastJit) {
            opts.add("-XX:TieredStopAtLevel=1"); // start-up matters more than peak speed in the tests
        }
        return opts;
    }

    private Map<String, String> commonEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPRING_DATASOURCE_URL", db.jdbcUrl());
        env.put("SPRING_DATASOURCE_USERNAME", db.username());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password() == null ? "" : db.password());
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        return env;
    }

    private static String jar(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run through Maven "
                    + "(./mvnw -pl e2e -am verify) or pass -D" + property + "=<path to the executable jar>");
        }
        return value;
    }

    // --- sources ---

    /** A GitHub repository {@code owner/name}: master with one commit, a feature branch and a tag. */
    Path createSource(String fullName) {
        Path dir = github.createBareRepository(fullName);
        ObjectId first = GitRepos.commit(dir, "master", "README.md", "# " + fullName + "\n");
        GitRepos.commit(dir, "feature", "feature.txt", "feature of " + fullName + "\n");
        GitRepos.tag(dir, "v1", first);
        return dir;
    }

    Path source(String fullName) {
        return github.root().resolve(fullName + ".git");
    }

    /** OneDev's bare repository for {@code owner/name} (project {@code github/owner/name}), if it exists. */
    java.util.Optional<Path> mirror(String fullName) {
        return onedev.projectByPath("github/" + fullName).map(p -> onedev.repositoryDirectory(p.id()));
    }

    // --- database ---

    List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = db.connect(); var st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    void execute(String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql, e);
        }
    }

    /** The repository row of {@code owner/name} (sync_status, error_message, ...) or an empty map. */
    Map<String, Object> repository(String fullName) {
        List<Map<String, Object>> rows = query("SELECT * FROM repositories WHERE github_full_name = ?", fullName);
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>();
        workers.forEach(w -> steps.add(w::close));
        if (ingest != null) {
            steps.add(ingest::close);
        }
        if (control != null) {
            steps.add(control::close);
        }
        if (broker != null) {
            steps.add(broker::close);
        }
        if (github != null) {
            steps.add(github::close);
        }
        if (onedev != null) {
            steps.add(onedev::close);
        }
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                System.err.println("e2e: could not stop a part: " + e);
            }
        }
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
