package dev.forgesync.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.apache.kafka.common.utils.Utils;
import org.eclipse.jgit.lib.ObjectId;

import dev.forgesync.schema.RefsDigest;
import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * Issue 13's benchmarks of the reconcile loop (a main class, not a test; bench/run-reconcile.sh runs it), each on
 * real processes (control-service, workers, Kafka, PostgreSQL) against the GitHub stand-in over HTTP:
 * <ul>
 * <li>{@code sweep [repositories=10000] [bare repositories=16]}: one freshness sweep of mirrored repositories with
 * nothing changed (their recorded digests equal the source's), every one due at once: ref advertisements per
 * repository counted at the git server, wall time, control-service CPU per repository;</li>
 * <li>{@code latency [repositories=4] [pushes each=6] [interval s=30]}: pushes with no webhook, detected by the
 * freshness check: push to OneDev's ref equal to the pushed commit, p50 and p95;</li>
 * <li>{@code backfill [repositories=1000] [GitHub delay ms=300] [worker counts=1,2,4]}: an organisation discovered
 * through {@code FORGESYNC_SOURCES=org:...}, nothing known before: time until every repository is mirrored with
 * 1, 2 and 4 workers (a fresh pipeline each), efficiency {@code T1 / (N x TN)}.</li>
 * </ul>
 * Prints its figures and appends them to {@code target/reconcile-benchmark.txt}.
 */
public final class ReconcileBenchmark {

    private static final int PARTITIONS = Topics.SYNC_REQUESTS_PARTITIONS;
    private static final Path REPORT = Path.of("target", "reconcile-benchmark.txt");

    private ReconcileBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "sweep";
        print("== " + what + " " + String.join(" ", List.of(args).subList(Math.min(1, args.length), args.length))
                + " (" + java.time.Instant.now() + ", load " + loadAverage() + ")");
        switch (what) {
            case "sweep" -> sweep(EndToEndBenchmark.intArg(args, 1, 10_000), EndToEndBenchmark.intArg(args, 2, 16));
            case "latency" -> latency(EndToEndBenchmark.intArg(args, 1, 4), EndToEndBenchmark.intArg(args, 2, 6),
                    EndToEndBenchmark.intArg(args, 3, 30));
            case "backfill" -> backfill(EndToEndBenchmark.intArg(args, 1, 1000), EndToEndBenchmark.intArg(args, 2, 300),
                    args.length > 3 ? args[3] : "1,2,4");
            default -> throw new IllegalArgumentException("unknown benchmark " + what + ": sweep | latency | backfill");
        }
        print("load average at the end: " + loadAverage());
    }

    // --- 1. freshness sweep, nothing changed ---

    private static void sweep(int repositories, int bareRepositories) throws Exception {
        Path home = Path.of("target", "e2e", "reconcile-sweep-git").toAbsolutePath();
        KafkaBroker.deleteRecursively(home);
        Files.createDirectories(home);
        // Many names, few bare repositories: sweep/r00042 is served from bare repository 42 % bareRepositories, each
        // answer a real ref advertisement of JGit's git servlet over HTTP.
        List<Path> bare = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        try (GitHttpServer git = GitHttpServer.builder(home)
                .locator(name -> Optional.of(bare.get(sourceIndex(name) % bareRepositories))).start()) {
            for (int i = 0; i < bareRepositories; i++) {
                Path dir = git.createBareRepository("bare/b" + i);
                ObjectId first = GitRepos.commit(dir, "master", "README.md", "# bare " + i + "\n");
                GitRepos.commit(dir, "feature", "feature.txt", "feature " + i + "\n");
                GitRepos.tag(dir, "v1", first);
                bare.add(dir);
                digests.add(RefsDigest.of(GitRepos.refs(dir)));
            }
            try (Pipeline pipeline = start("reconcile-sweep", Pipeline.options().workers(0).fullJit()
                    .ingestEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN")
                    .controlEnv("FORGESYNC_GITHUB_BASE_URL", git.baseUri().toString()))) {
                registerMirrored(pipeline, repositories, digests);
                measureSweep(pipeline, git, repositories);
            }
        }
    }

    private static int sourceIndex(String name) {
        String digits = name.replaceAll("\\D", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    /**
     * Mirrored repositories as a worker leaves them (completed, the pushed digest recorded), in one statement so
     * control-service never adopts a row half made; their first check a day away, so none is due yet.
     */
    private static void registerMirrored(Pipeline pipeline, int repositories, List<String> digests) {
        String array = digests.stream().map(d -> "'" + d + "'").collect(Collectors.joining(",", "ARRAY[", "]"));
        pipeline.execute("""
                WITH r AS (
                    INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name,
                                              github_repo_id, github_default_branch, sync_status)
                    SELECT 'https://github.com/sweep/r' || lpad(i::text, 5, '0'), 'r' || lpad(i::text, 5, '0'),
                           'sweep', 'sweep/r' || lpad(i::text, 5, '0'), 5000000 + i, 'master', 'completed'
                    FROM generate_series(0, %d) AS i
                    RETURNING id, github_repo_id)
                INSERT INTO repository_freshness (repository_id, pushed_refs_digest, pushed_ref_count, pushed_at,
                                                  state, next_check_at)
                SELECT id, (%s)[((github_repo_id - 5000000) %% %d) + 1], 3, NOW(), 'fresh', NOW() + INTERVAL '1 day'
                FROM r""".formatted(repositories - 1, array, digests.size()));
    }

    private static void measureSweep(Pipeline pipeline, GitHttpServer git, int repositories) throws Exception {
        long pid = pipeline.control().pid();
        Thread.sleep(20_000); // start-up's own work (JIT, first runs of every loop) settles first
        double idleBefore = idleCpuPerSecond(pid);
        git.clearRequests();
        long cpuStart = cpuMillis(pid);
        long wallStart = System.nanoTime();
        Timestamp t0 = (Timestamp) pipeline.query("""
                WITH due AS (UPDATE repository_freshness SET next_check_at = NOW() RETURNING 1)
                SELECT NOW() AS t0, COUNT(*) AS n FROM due""").get(0).get("t0");
        EndToEndBenchmark.waitUntil(Duration.ofMinutes(20), () -> count(pipeline,
                "SELECT COUNT(*) AS n FROM repository_freshness WHERE checked_at >= CAST(? AS timestamptz)", t0)
                == repositories, 250);
        double wall = (System.nanoTime() - wallStart) / 1e9;
        long cpu = cpuMillis(pid) - cpuStart;
        // control-service's own background (relay, recovery, gauges) over the same span, to subtract: the lower of
        // the two idle spans around the sweep.
        double idlePerSecond = Math.min(idleBefore, idleCpuPerSecond(pid));
        Map<String, Object> span = pipeline.query("""
                SELECT EXTRACT(EPOCH FROM MAX(checked_at) - CAST(? AS timestamptz)) AS seconds,
                       COUNT(*) FILTER (WHERE state = 'fresh') AS fresh
                FROM repository_freshness WHERE checked_at >= CAST(? AS timestamptz)""", t0, t0).get(0);
        List<GitHttpServer.Request> requests = git.requests();
        Map<String, Long> perPath = requests.stream()
                .collect(Collectors.groupingBy(GitHttpServer.Request::path, Collectors.counting()));
        long advertisements = requests.stream().filter(r -> "GET".equals(r.method())
                && r.path().endsWith("/info/refs") && "service=git-upload-pack".equals(r.query())).count();
        double sweepSeconds = ((Number) span.get("seconds")).doubleValue();
        double netCpu = cpu - idlePerSecond * wall;
        print(String.format(Locale.ROOT, "repositories: %d, fresh after the sweep: %s", repositories,
                span.get("fresh")));
        print(String.format(Locale.ROOT, "requests at the git server: %d (%d ref advertisements), %d distinct paths,"
                        + " at most %d per path: %.3f requests per repository (goal 1)", requests.size(),
                advertisements,
                perPath.size(), perPath.values().stream().mapToLong(Long::longValue).max().orElse(0),
                requests.size() / (double) repositories));
        print(String.format(Locale.ROOT, "sweep wall time (all due at once -> last checked_at): %.1f s (goal <= 60 s);"
                + " %.0f repositories/s; observed by the bench %.1f s", sweepSeconds, repositories / sweepSeconds,
                wall));
        print(String.format(Locale.ROOT, "control-service CPU: %d ms during the sweep, idle baseline %.0f ms/s (%.0f ms"
                        + " over the sweep): %.3f ms per repository gross, %.3f ms net", cpu, idlePerSecond,
                idlePerSecond * wall, cpu / (double) repositories, netCpu / repositories));
    }

    private static double idleCpuPerSecond(long pid) throws Exception {
        long start = cpuMillis(pid);
        long wall = System.nanoTime();
        Thread.sleep(15_000);
        return (cpuMillis(pid) - start) / ((System.nanoTime() - wall) / 1e9);
    }

    // --- 2. detection latency with webhooks off ---

    private static void latency(int repositories, int pushesEach, int intervalSeconds) throws Exception {
        try (Pipeline pipeline = start("reconcile-latency", Pipeline.options().workers(1).fullJit()
                .workerEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN")
                .ingestEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN")
                .controlEnv("FORGESYNC_FRESHNESS_INTERVAL", intervalSeconds + "s"))) {
            Ledger ledger = new Ledger(pipeline);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < repositories; i++) {
                String name = "latency/r" + i;
                pipeline.createSource(name);
                ledger.push(name); // the first mirror comes by webhook; every later push comes with none
                names.add(name);
            }
            EndToEndBenchmark.waitUntil(Duration.ofMinutes(3), () -> count(pipeline, """
                    SELECT COUNT(*) AS n FROM repository_freshness f JOIN repositories r ON r.id = f.repository_id
                    WHERE r.github_owner = 'latency' AND f.pushed_refs_digest IS NOT NULL""") == repositories, 200);
            int webhooksBefore = ledger.entries().size();
            ExecutorService pushers = Executors.newFixedThreadPool(repositories);
            List<Future<List<Duration>>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pushers.submit(() -> pushesWithoutWebhook(pipeline, name, pushesEach, intervalSeconds)));
            }
            List<Duration> samples = new ArrayList<>();
            for (Future<List<Duration>> f : futures) {
                samples.addAll(f.get());
            }
            pushers.shutdown();
            EndToEndBenchmark.Stats stats = new EndToEndBenchmark.Stats(samples);
            long drift = count(pipeline, """
                    SELECT COUNT(*) AS n FROM sync_logs l JOIN repositories r ON r.id = l.repository_id
                    WHERE r.github_owner = 'latency' AND l.event_type = 'sync_completed'""");
            print(String.format(Locale.ROOT, "%d pushes (%d repositories x %d, each after a random pause in [0, %d s)),"
                            + " no webhook sent (%d deliveries before and after): push -> OneDev ref equal:"
                            + " p50 %.1f s, p95 %.1f s, max %.1f s (goal p95 <= %d s); %d syncs completed in all",
                    samples.size(), repositories, pushesEach, intervalSeconds, webhooksBefore,
                    secs(stats.percentile(50)), secs(stats.percentile(95)), secs(stats.percentile(100)),
                    intervalSeconds + 5, drift));
            print("samples (s): " + samples.stream().map(d -> String.format(Locale.ROOT, "%.1f", secs(d)))
                    .collect(Collectors.joining(" ")));
            if (ledger.entries().size() != webhooksBefore) {
                throw new IllegalStateException("a webhook was sent during the measured pushes");
            }
        }
    }

    private static List<Duration> pushesWithoutWebhook(Pipeline pipeline, String name, int pushes, int intervalSeconds)
            throws InterruptedException {
        List<Duration> samples = new ArrayList<>();
        for (int i = 0; i < pushes; i++) {
            // A pause at random within the interval, so the push falls at any phase of the checks' schedule.
            Thread.sleep(ThreadLocalRandom.current().nextLong(intervalSeconds * 1000L));
            ObjectId head = GitRepos.commit(pipeline.source(name), "master", "change-" + i + ".txt", "change " + i);
            long pushed = System.nanoTime();
            EndToEndBenchmark.waitUntil(Duration.ofMinutes(5), () -> pipeline.mirror(name).map(GitRepos::refs)
                    .map(refs -> head.name().equals(refs.get("refs/heads/master"))).orElse(false), 100);
            samples.add(Duration.ofNanos(System.nanoTime() - pushed));
        }
        return samples;
    }

    // --- 3. backfill of an organisation ---

    private static void backfill(int repositories, int delayMs, String workerCounts) throws Exception {
        Path home = Path.of("target", "e2e", "reconcile-backfill-github").toAbsolutePath();
        KafkaBroker.deleteRecursively(home);
        try (GithubApiStandIn github = GithubApiStandIn.start(home, Pipeline.CANARY)) {
            github.createOrg("backfill");
            Map<String, String> heads = new java.util.LinkedHashMap<>();
            for (int i = 0; i < repositories; i++) {
                String name = String.format(Locale.ROOT, "backfill/r%04d", i);
                github.createRepository(name);
                // Its git repository written now, before the clock starts.
                heads.put(name, github.commit(name, "main", "src.txt", "content of " + name + "\n"));
            }
            github.delay(Duration.ofMillis(delayMs));
            Map<Integer, Double> seconds = new java.util.LinkedHashMap<>();
            for (String n : workerCounts.split(",")) {
                int workers = Integer.parseInt(n.trim());
                seconds.put(workers, backfillRound(github, heads, workers));
            }
            double t1 = seconds.getOrDefault(1, Double.NaN);
            seconds.forEach((workers, t) -> print(String.format(Locale.ROOT,
                    "backfill of %d repositories, GitHub +%d ms per request: %d worker(s) %.1f s (%.2f repositories/s),"
                            + " efficiency T1/(N x TN) = %.2f", repositories, delayMs, workers, t, repositories / t,
                    t1 / (workers * t))));
        }
    }

    private static double backfillRound(GithubApiStandIn github, Map<String, String> heads, int workers)
            throws Exception {
        try (Pipeline pipeline = start("reconcile-backfill-" + workers, Pipeline.options().workers(workers).fullJit()
                .workerEnv("SPRING_KAFKA_LISTENER_CONCURRENCY", "1")
                .workerEnv("FORGESYNC_GITHUB_BASE_URL", github.baseUri().toString())
                .workerEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN")
                .ingestEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN")
                .controlEnv("FORGESYNC_GITHUB_API_URL", github.apiUri().toString())
                .controlEnv("FORGESYNC_GITHUB_BASE_URL", github.baseUri().toString())
                .controlEnv("FORGESYNC_GITHUB_TOKEN", Pipeline.CANARY)
                .controlEnv("FORGESYNC_SOURCES", "org:backfill")
                // Long enough for the workers' group to settle first (checked below): the clock starts at the pass.
                .controlEnv("FORGESYNC_DISCOVERY_INITIAL_DELAY", "40s"))) {
            int repositories = heads.size();
            EndToEndBenchmark.awaitGroupMembers(pipeline, workers);
            if (count(pipeline, "SELECT COUNT(*) AS n FROM repositories") > 0) {
                print("warning: discovery began before the workers' group settled");
            }
            github.clearApiRequests();
            int before = github.requests().size();
            EndToEndBenchmark.waitUntil(Duration.ofMinutes(60), () -> count(pipeline, """
                    SELECT COUNT(DISTINCT r.id) AS n FROM repositories r JOIN sync_logs l ON l.repository_id = r.id
                    WHERE r.github_owner = 'backfill' AND l.event_type = 'sync_completed'""") == repositories, 1000);
            Map<String, Object> span = pipeline.query("""
                    SELECT EXTRACT(EPOCH FROM
                               (SELECT MAX(created_at) FROM sync_logs WHERE event_type = 'sync_completed')
                               - (SELECT MIN(created_at) FROM repositories)) AS seconds,
                           EXTRACT(EPOCH FROM
                               (SELECT MAX(created_at) - MIN(created_at) FROM repositories)) AS registering
                    """).get(0);
            double took = ((Number) span.get("seconds")).doubleValue();
            checkMirrored(pipeline, heads);
            List<Long> ids = pipeline.query("SELECT id FROM repositories WHERE github_owner = 'backfill'").stream()
                    .map(r -> ((Number) r.get("id")).longValue()).toList();
            Map<Integer, Integer> perPartition = new HashMap<>();
            ids.forEach(id -> perPartition.merge(partition(id), 1, Integer::sum));
            int max = perPartition.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            print(String.format(Locale.ROOT, "%d worker(s): %d mirrored in %.1f s from the first registration to the"
                            + " last sync_completed (registration of all took %.1f s); %d requests to the GitHub"
                            + " stand-in"
                            + " (%.1f per repository); keys per partition max %d, mean %.1f",
                    workers, repositories, took, ((Number) span.get("registering")).doubleValue(),
                    github.requests().size() - before, (github.requests().size() - before) / (double) repositories,
                    max, ids.size() / (double) PARTITIONS));
            return took;
        }
    }

    /** Every repository's OneDev mirror has the source's main. */
    private static void checkMirrored(Pipeline pipeline, Map<String, String> heads) {
        heads.forEach((name, head) -> {
            String mirrored = pipeline.mirror(name).map(GitRepos::refs).map(refs -> refs.get("refs/heads/main"))
                    .orElse(null);
            if (!head.equals(mirrored)) {
                throw new IllegalStateException(name + ": OneDev has " + mirrored + ", the source " + head);
            }
        });
    }

    private static int partition(long repositoryId) {
        return Utils.toPositive(Utils.murmur2(Long.toString(repositoryId).getBytes(StandardCharsets.UTF_8)))
                % PARTITIONS;
    }

    // --- helpers ---

    /**
     * Starts the pipeline, up to three times: at load 30-40 (other builds beside the benchmark) a service's first
     * database connection at start-up sometimes took longer than its 2 s timeout and it exited.
     */
    private static Pipeline start(String name, Pipeline.Options options) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Pipeline.start(name, options);
            } catch (AssertionError | RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                print("pipeline did not start (attempt " + attempt + "), again: " + e.getMessage().lines().findFirst()
                        .orElse(""));
            }
        }
    }

    private static long count(Pipeline pipeline, String sql, Object... params) {
        return ((Number) pipeline.query(sql, params).get(0).get("n")).longValue();
    }

    /** The process's user + system CPU time so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
    static long cpuMillis(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void print(String line) {
        System.out.println(line);
        try {
            Files.createDirectories(REPORT.toAbsolutePath().getParent());
            Files.writeString(REPORT, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
