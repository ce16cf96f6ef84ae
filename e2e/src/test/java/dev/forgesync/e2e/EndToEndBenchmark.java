package dev.forgesync.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.jgit.lib.ObjectId;

import dev.forgesync.schema.Topics;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.Webhooks;
import dev.forgesync.testsupport.bench.RealRepository;
import dev.forgesync.testsupport.onedev.OneDevStandIn;

/**
 * The end-to-end benchmark (a main class, not a test; bench/run-all.sh runs it): on the real pipeline of
 * {@link Pipeline}, end-to-end latency from webhook accepted (202) to OneDev's ref updated for a small and a
 * tens-of-MiB repository against the git CLI's own mirror (clone --mirror + push --mirror) of the same repository,
 * throughput with 1, 2 and 4 workers against a slow GitHub (a fixed delay per request) as scaling efficiency,
 * and worker RSS. Prints a table and writes it as markdown to the file named by the first argument.
 *
 * <p>Arguments: {@code <markdown out> [small pushes=50] [large MiB=24] [large runs=3] [slow delay ms=300]
 * [repositories per partition=3]}.
 *
 * <p>With {@code BENCH_REPO=<bare git dir>} (a real repository, served read-only through
 * {@link RealRepository#overlay}) it measures only that repository's first mirror, {@code large runs} times: webhook
 * accepted (202) to the {@code sync_completed} row, OneDev's branches and tags then checked equal to the source's,
 * against the git command line's mirror through the same two servers ({@link RealRepository#cliMirror}) in the
 * same run, and the worker's peak RSS. With {@code BENCH_PARALLEL=n} as well, it runs n first mirrors of that
 * repository at once in the one worker (n listener threads) instead, for the worker's peak RSS. The worker warms
 * up at start-up as in production ({@code forgesync.git.warm-up-commits}, JitWarmUp); {@code BENCH_WARM_UP_COMMITS=0}
 * runs it cold, for the comparison. {@code BENCH_RELAY_FIRST_MIRROR=false} makes the worker fetch a first mirror
 * whole before it pushes it ({@code forgesync.git.relay-first-mirror}, FirstMirrorRelay), for the comparison.
 */
public final class EndToEndBenchmark {

    /** The topic's partitions: the pipeline's services create it with the default count. */
    private static final int PARTITIONS = Topics.SYNC_REQUESTS_PARTITIONS;

    private final Pipeline pipeline;
    private final Ledger ledger;
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong peakRssKb = new AtomicLong();

    private EndToEndBenchmark(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.ledger = new Ledger(pipeline);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/e2e-benchmark.md");
        int smallPushes = intArg(args, 1, 50);
        int largeMib = intArg(args, 2, 24);
        int largeRuns = intArg(args, 3, 3);
        int slowMs = intArg(args, 4, 300);
        int perPartition = intArg(args, 5, 3);
        String real = System.getenv("BENCH_REPO");
        int parallel = Integer.parseInt(System.getenv().getOrDefault("BENCH_PARALLEL", "1"));
        Pipeline.Options options = Pipeline.options().workers(1).fullJit()
                .workerEnv("SPRING_KAFKA_LISTENER_CONCURRENCY", Integer.toString(parallel))
                .workerEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN")
                .ingestEnv("LOGGING_LEVEL_DEV_FORGESYNC", "WARN");
        String warmUp = System.getenv("BENCH_WARM_UP_COMMITS");
        if (warmUp != null) {
            options.workerEnv("FORGESYNC_GIT_WARM_UP_COMMITS", warmUp);
        }
        String relay = System.getenv("BENCH_RELAY_FIRST_MIRROR");
        if (relay != null) {
            options.workerEnv("FORGESYNC_GIT_RELAY_FIRST_MIRROR", relay);
        }
        if (real != null) {
            // A real repository's first mirror takes minutes on a loaded machine: the pipeline's 20 s are for tests;
            // 10 min keeps within the consumer's max.poll.interval (15 min, ConsumerCoherenceCheck).
            options.workerEnv("FORGESYNC_SYNC_TIMEOUT", "10m").workerEnv("FORGESYNC_MIRROR_IO_TIMEOUT", "5m");
        }
        Pipeline pipeline = Pipeline.start("benchmark", options);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try {
            EndToEndBenchmark bench = new EndToEndBenchmark(pipeline);
            sampler.scheduleAtFixedRate(bench::sampleRss, 0, 250, TimeUnit.MILLISECONDS);
            if (real != null && parallel > 1) {
                bench.realRepositoryParallel(out, Path.of(real).toAbsolutePath(), parallel);
            } else if (real != null) {
                bench.realRepository(out, Path.of(real).toAbsolutePath(), largeRuns);
            } else {
                bench.run(out, smallPushes, largeMib, largeRuns, slowMs, perPartition);
            }
        } finally {
            sampler.shutdownNow();
            pipeline.close();
        }
    }

    private void run(Path out, int smallPushes, int largeMib, int largeRuns, int slowMs, int perPartition)
            throws Exception {
        // Three rounds of perPartition per partition; keys fall unevenly, so three times that many rows (648 at 24
        // partitions and 3 per partition: 13 or more in every partition for any run of ids).
        Map<Long, String> registered = register(PARTITIONS * perPartition * 3 * 3);
        Map<Integer, Double> throughput = new LinkedHashMap<>();
        pipeline.github().delay(Duration.ofMillis(slowMs));
        for (int workers : new int[] {1, 2, 4}) {
            while (pipeline.liveWorkers().size() < workers) {
                pipeline.addWorker();
            }
            awaitGroupMembers(pipeline, workers);
            throughput.put(workers, throughputRound(registered, perPartition, workers));
        }
        pipeline.github().delay(Duration.ZERO);

        Stats small = latency("bench/latency-small", smallPushes, 0);
        Stats large = latency("bench/latency-large", largeRuns, largeMib);
        Duration gitSmall = gitCliMirror("bench/latency-small");
        Duration gitLarge = gitCliMirror("bench/latency-large-0");
        awaitIdle();
        long steadyRss = pipeline.liveWorkers().stream().mapToLong(ServiceProcess::rssKb).max().orElse(0);

        report(out, throughput, slowMs, perPartition, small, large, largeMib, gitSmall, gitLarge, steadyRss);
    }

    // --- a real repository's first mirror ---

    private void realRepository(Path out, Path real, int runs) throws Exception {
        Path named = real.getFileName().toString().equals("repo") ? real.getParent() : real;
        String base = "real/" + named.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "-");
        List<Duration> worker = new ArrayList<>();
        List<Duration> cli = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String name = base + "-" + i;
            Path served = pipeline.source(name);
            List<String> left = RealRepository.overlay(real, served);
            if (i == 0) {
                System.out.printf(Locale.ROOT, "repository %s (served as %s, default branch %s)%s%n", real, base,
                        RealRepository.defaultBranch(served), left.isEmpty() ? "" : "; left out (reach objects the "
                                + "copy lacks): " + left);
            }
            cli.add(cliMirror(name, i));
            java.time.Instant accepted = sendPush(name, served);
            worker.add(awaitMirrored(name, served, accepted));
            System.out.printf(Locale.ROOT, "run %d: webhook to sync_completed %s, git CLI %s (load %s)%n  steps: %s%n",
                    i, secs(worker.get(i)), secs(cli.get(i)), Files.readString(Path.of("/proc/loadavg")).trim(),
                    steps(name, accepted));
        }
        Stats w = new Stats(worker);
        Stats g = new Stats(cli);
        add("| measure | value | baseline (same run) | ratio | goal | met |");
        add("| --- | --- | --- | --- | --- | --- |");
        row("first mirror of " + base + ", webhook accepted → sync_completed, median of " + runs,
                secs(w.percentile(50)), "git CLI fetch + push " + secs(g.percentile(50)),
                ratio(w.percentile(50), g.percentile(50)), "≤ 1.2×",
                w.percentile(50).toMillis() <= 1.2 * g.percentile(50).toMillis());
        row("all runs", worker.stream().map(EndToEndBenchmark::secs).toList().toString(),
                cli.stream().map(EndToEndBenchmark::secs).toList().toString(), "–", "–", null);
        row("worker RSS, peak (sync-worker/jvm.options)", peakRssKb.get() / 1024 + " MB", "–", "–", "≤ 512 MB",
                peakRssKb.get() / 1024 <= 512);
        String table = String.join("\n", lines);
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table + "\n");
    }

    /**
     * {@code BENCH_PARALLEL=n}: n first mirrors of the real repository at once in the one worker (n listener threads),
     * for its peak RSS. The repositories are rows registered up front whose partitions fall to different listener
     * threads (the partitions split in n ranges); whether the syncs really overlapped is read from their sync_logs rows.
     */
    private void realRepositoryParallel(Path out, Path real, int parallel) throws Exception {
        List<String> names = onSeparateThreads(register(PARTITIONS * 4), parallel);
        Map<String, Path> served = new LinkedHashMap<>();
        for (String name : names) {
            served.put(name, pipeline.source(name));
            RealRepository.overlay(real, served.get(name));
        }
        Map<String, java.time.Instant> accepted = new LinkedHashMap<>();
        for (String name : names) {
            accepted.put(name, sendPush(name, served.get(name)));
        }
        List<String> took = new ArrayList<>();
        for (String name : names) {
            took.add(name + " " + secs(awaitMirrored(name, served.get(name), accepted.get(name))));
        }
        add("| measure | value | baseline (same run) | ratio | goal | met |");
        add("| --- | --- | --- | --- | --- | --- |");
        row(parallel + " first mirrors of " + real + " at once, webhook accepted → sync_completed", took.toString(),
                "–", "–", "–", null);
        row("the syncs overlapped (last sync_started before first sync_completed)", Boolean.toString(overlapped(names)),
                "–", "–", "–", null);
        row("worker RSS, peak (sync-worker/jvm.options)", peakRssKb.get() / 1024 + " MB", "–", "–", "≤ 512 MB",
                peakRssKb.get() / 1024 <= 512);
        String table = String.join("\n", lines);
        System.out.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table + "\n");
    }

    /** One registered repository per range of partitions (split in {@code threads}): one per listener thread. */
    private static List<String> onSeparateThreads(Map<Long, String> registered, int threads) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int from = k * PARTITIONS / threads;
            int to = (k + 1) * PARTITIONS / threads;
            registered.entrySet().stream().filter(e -> partitionOf(e.getKey()) >= from && partitionOf(e.getKey()) < to)
                    .findFirst().ifPresent(e -> names.add(e.getValue()));
        }
        return names;
    }

    private static int partitionOf(long repositoryId) {
        return Utils.toPositive(Utils.murmur2(Long.toString(repositoryId).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** Whether every sync of {@code names} had started before the first of them completed. */
    private boolean overlapped(List<String> names) {
        String in = "'" + String.join("','", names) + "'";
        String first = "SELECT l.repository_id, min(l.created_at) AS at FROM sync_logs l JOIN repositories r ON r.id = "
                + "l.repository_id WHERE r.github_full_name IN (" + in + ") AND l.event_type = ? GROUP BY l.repository_id";
        Map<String, Object> span = pipeline.query("SELECT max(s.at) AS last_start, min(c.at) AS first_end FROM ("
                + first + ") s, (" + first + ") c", "sync_started", "sync_completed").get(0);
        return ((java.sql.Timestamp) span.get("last_start")).before((java.sql.Timestamp) span.get("first_end"));
    }

    /** The git command line's mirror of {@code name} into a OneDev project of its own, with the same token. */
    private Duration cliMirror(String name, int run) throws Exception {
        OneDevStandIn.Project project = pipeline.onedev().createProject("cli-mirror-" + run, null);
        Path work = Files.createTempDirectory("e2e-bench-real-");
        try {
            RealRepository.Timing t = RealRepository.cliMirror(pipeline.github().cloneUri(name),
                    java.net.URI.create(pipeline.onedev().baseUri() + "/" + project.path() + ".git"), "bench",
                    Pipeline.CANARY, work.resolve("clone.git"));
            return Duration.ofNanos((long) (t.total() * 1e9));
        } finally {
            KafkaBroker.deleteRecursively(work);
        }
    }

    /** Sends the push webhook of {@code name}; when it was accepted (202). */
    private java.time.Instant sendPush(String name, Path served) throws Exception {
        byte[] body = Webhooks.withDefaultBranch(Webhooks.withRepository(Webhooks.payload("push.payload.json"), name,
                Ledger.githubId(name)), RealRepository.defaultBranch(served));
        Webhooks.Delivery delivery = new Webhooks.Delivery("push", java.util.UUID.randomUUID().toString(), body,
                Webhooks.sign(Pipeline.SECRET, body));
        int status = ledger.send(delivery, name);
        java.time.Instant accepted = java.time.Instant.now();
        if (status != 202) {
            throw new IllegalStateException("push for " + name + " answered " + status);
        }
        return accepted;
    }

    /** Accepted to the {@code sync_completed} row of {@code name}, once OneDev's refs equal the source's. */
    private Duration awaitMirrored(String name, Path served, java.time.Instant accepted) throws Exception {
        Map<String, String> expected = GitRepos.refs(served);
        waitUntil(Duration.ofMinutes(30), () -> completedAt(name) != null, 50);
        Duration took = Duration.between(accepted, completedAt(name));
        Map<String, String> mirrored = pipeline.mirror(name).map(GitRepos::refs).orElse(Map.of());
        if (!mirrored.equals(expected)) {
            throw new IllegalStateException("OneDev's refs of " + name + " differ from the source's: " + mirrored.size()
                    + " against " + expected.size());
        }
        return took;
    }

    /** Where a first mirror's time went: each sync_logs step of {@code name}, in seconds after the webhook's 202. */
    private String steps(String name, java.time.Instant accepted) {
        List<String> steps = new ArrayList<>();
        for (Map<String, Object> row : pipeline.query("SELECT l.event_type, l.created_at, l.duration_seconds FROM "
                + "sync_logs l JOIN repositories r ON r.id = l.repository_id WHERE r.github_full_name = ? ORDER BY l.id",
                name)) {
            Duration at = Duration.between(accepted, ((java.sql.Timestamp) row.get("created_at")).toInstant());
            Object took = row.get("duration_seconds");
            steps.add(row.get("event_type") + " +" + secs(at) + (took == null ? "" : " (" + took + " s)"));
        }
        return String.join(", ", steps);
    }

    private java.time.Instant completedAt(String name) {
        Object at = pipeline.query("SELECT min(l.created_at) AS at FROM sync_logs l JOIN repositories r ON "
                + "r.id = l.repository_id WHERE r.github_full_name = ? AND l.event_type = 'sync_completed'", name)
                .get(0).get("at");
        return at == null ? null : ((java.sql.Timestamp) at).toInstant();
    }

    // --- throughput ---

    /** Repository rows inserted directly (no sync yet), so a round can pick the same number per partition. */
    private Map<Long, String> register(int count) {
        StringBuilder sql = new StringBuilder("INSERT INTO repositories (github_url, github_repo_name, github_owner, "
                + "github_full_name, github_repo_id, github_default_branch, sync_status) VALUES ");
        for (int i = 0; i < count; i++) {
            String name = String.format(Locale.ROOT, "tput/r%03d", i);
            sql.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "('https://github.com/%s','r%03d','tput','%s',%d,'master','completed')",
                    name, i, name, Ledger.githubId(name)));
        }
        pipeline.execute(sql.toString());
        Map<Long, String> rows = new LinkedHashMap<>();
        pipeline.query("SELECT id, github_full_name FROM repositories WHERE github_owner = 'tput' ORDER BY id")
                .forEach(r -> rows.put(((Number) r.get("id")).longValue(), (String) r.get("github_full_name")));
        return rows;
    }

    private double throughputRound(Map<Long, String> registered, int perPartition, int workers) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (var e : registered.entrySet()) {
            byPartition.computeIfAbsent(partitionOf(e.getKey()), p -> new ArrayList<>()).add(e.getValue());
        }
        List<String> round = new ArrayList<>();
        for (List<String> names : byPartition.values()) {
            for (int i = 0; i < perPartition && !names.isEmpty(); i++) {
                round.add(names.remove(0));
            }
        }
        registered.values().removeAll(round);
        round.forEach(pipeline::createSource);
        round.forEach(ledger::push);
        String in = "'" + String.join("','", round) + "'";
        waitUntil(Duration.ofMinutes(10), () -> ((Number) pipeline.query(
                "SELECT count(DISTINCT l.repository_id) AS n FROM sync_logs l JOIN repositories r ON r.id = l.repository_id "
                        + "WHERE l.event_type = 'sync_completed' AND r.github_full_name IN (" + in + ")")
                .get(0).get("n")).intValue() == round.size());
        Map<String, Object> span = pipeline.query("SELECT min(l.created_at) AS first, max(l.created_at) AS last "
                + "FROM sync_logs l JOIN repositories r ON r.id = l.repository_id WHERE r.github_full_name IN (" + in + ") "
                + "AND l.event_type IN ('sync_started', 'sync_completed')").get(0);
        Duration took = Duration.between(((java.sql.Timestamp) span.get("first")).toInstant(),
                ((java.sql.Timestamp) span.get("last")).toInstant());
        double perSecond = round.size() / (took.toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "throughput: %d worker(s): %d syncs in %.1f s = %.2f syncs/s%n",
                workers, round.size(), took.toMillis() / 1000.0, perSecond);
        return perSecond;
    }

    /** Waits until the workers' consumer group has {@code members} members, then lets the rebalance settle. */
    static void awaitGroupMembers(Pipeline pipeline, int members) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.broker().bootstrapServers()))) {
            waitUntil(Duration.ofMinutes(2), () -> {
                try {
                    return admin.describeConsumerGroups(List.of(Topics.SYNC_WORKER_GROUP)).all().get()
                            .get(Topics.SYNC_WORKER_GROUP).members().size() == members;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        Thread.sleep(3000); // let the rebalance settle before the clock starts
    }

    // --- latency ---

    record Stats(List<Duration> samples) {
        Duration percentile(double p) {
            List<Duration> sorted = new ArrayList<>(samples);
            Collections.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    /** {@code runs} pushes, one at a time: 202 received to OneDev's master equal to the new commit. */
    private Stats latency(String baseName, int runs, int largeMib) {
        List<Duration> samples = new ArrayList<>();
        if (largeMib == 0) {
            pipeline.createSource(baseName);
            measureOne(baseName, null); // first sync (registration, project creation) is not a sample
        }
        for (int i = 0; i < runs; i++) {
            String name = largeMib == 0 ? baseName : baseName + "-" + i;
            ObjectId head;
            if (largeMib == 0) {
                head = GitRepos.commit(pipeline.source(name), "master", "change-" + i + ".txt", "change " + i + "\n");
            } else {
                pipeline.createSource(name);
                byte[] big = new byte[largeMib * 1024 * 1024];
                new Random(i).nextBytes(big);
                head = GitRepos.commit(pipeline.source(name), "master", "big.bin", big);
            }
            samples.add(measureOne(name, head));
        }
        return new Stats(samples);
    }

    private Duration measureOne(String name, ObjectId expectedHead) {
        int status = ledger.push(name);
        long accepted = System.nanoTime();
        if (status != 202) {
            throw new IllegalStateException("push for " + name + " answered " + status);
        }
        String expected = expectedHead == null ? null : expectedHead.name();
        waitUntil(Duration.ofMinutes(3), () -> pipeline.mirror(name)
                .map(GitRepos::refs)
                .map(refs -> expected == null ? refs.containsKey("refs/heads/master")
                        : expected.equals(refs.get("refs/heads/master")))
                .orElse(false), 5);
        return Duration.ofNanos(System.nanoTime() - accepted);
    }

    /** The git CLI's mirror of the same source: clone --mirror from the GitHub stand-in, push --mirror to an empty bare repo. */
    private Duration gitCliMirror(String name) throws Exception {
        List<Duration> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path work = Files.createTempDirectory("e2e-bench-git-");
            try (GitHttpServer target = GitHttpServer.builder(work.resolve("target")).start()) {
                target.createBareRepository("mirror");
                long start = System.nanoTime();
                Signals.runOk(List.of("git", "clone", "-q", "--mirror", pipeline.github().cloneUri(name).toString(),
                        work.resolve("clone.git").toString()));
                Signals.runOk(List.of("git", "-C", work.resolve("clone.git").toString(), "push", "-q", "--mirror",
                        target.cloneUri("mirror").toString()));
                runs.add(Duration.ofNanos(System.nanoTime() - start));
            } finally {
                KafkaBroker.deleteRecursively(work);
            }
        }
        return new Stats(runs).percentile(50);
    }

    private void awaitIdle() throws InterruptedException {
        ledger.awaitQuiet(Duration.ofMinutes(2));
        Thread.sleep(5000); // steady state: a few seconds without work before RSS is read
    }

    private void sampleRss() {
        pipeline.liveWorkers().forEach(w -> peakRssKb.accumulateAndGet(w.peakRssKb(), Math::max));
    }

    // --- report ---

    private void report(Path out, Map<Integer, Double> throughput, int slowMs, int perPartition, Stats small, Stats large,
                        int largeMib, Duration gitSmall, Duration gitLarge, long steadyRssKb) throws IOException {
        double t1 = throughput.get(1);
        double eff2 = throughput.get(2) / (2 * t1);
        double eff4 = throughput.get(4) / (4 * t1);
        add("| measure | value | baseline (same run) | ratio | goal | met |");
        add("| --- | --- | --- | --- | --- | --- |");
        row("end-to-end p50, small repository (" + small.samples().size() + " pushes)", secs(small.percentile(50)),
                "git CLI mirror " + secs(gitSmall), ratio(small.percentile(50), gitSmall), "≤ 3 s",
                small.percentile(50).compareTo(Duration.ofSeconds(3)) <= 0);
        row("end-to-end p99, small repository", secs(small.percentile(99)), "git CLI mirror " + secs(gitSmall),
                ratio(small.percentile(99), gitSmall), "≤ 10 s", small.percentile(99).compareTo(Duration.ofSeconds(10)) <= 0);
        row("end-to-end p50, " + largeMib + " MiB repository (" + large.samples().size() + " first syncs)",
                secs(large.percentile(50)), "git CLI mirror " + secs(gitLarge), ratio(large.percentile(50), gitLarge), "–", null);
        row("end-to-end max, " + largeMib + " MiB repository", secs(large.percentile(100)), "git CLI mirror " + secs(gitLarge),
                ratio(large.percentile(100), gitLarge), "–", null);
        row("throughput, 1 worker (GitHub +" + slowMs + " ms per request)", fmt(t1) + " syncs/s", "–", "1.00", "–", null);
        row("throughput, 2 workers", fmt(throughput.get(2)) + " syncs/s", "2 × 1 worker", fmt(eff2) + " efficiency",
                "≥ 0.85", eff2 >= 0.85);
        row("throughput, 4 workers", fmt(throughput.get(4)) + " syncs/s", "4 × 1 worker", fmt(eff4) + " efficiency",
                "≥ 0.7", eff4 >= 0.7);
        row("worker RSS, steady (max of " + pipeline.liveWorkers().size() + " workers, sync-worker/jvm.options)",
                steadyRssKb / 1024 + " MB", "–", "–", "≤ 512 MB", steadyRssKb / 1024 <= 512);
        row("worker RSS, peak during the run", peakRssKb.get() / 1024 + " MB", "–", "–", "–", null);
        String table = String.join("\n", lines);
        String doc = "### End to end (e2e/EndToEndBenchmark)\n\n"
                + "Real processes: Kafka broker (infra/bin/kafka.sh), PostgreSQL, ingest-service, sync-workers "
                + "(1 consumer thread each, sync-worker/jvm.options); GitHub and OneDev stand-ins over HTTP on 127.0.0.1. "
                + "Latency: 202 received → OneDev's `refs/heads/master` equals the pushed commit, one push at a time. "
                + "Throughput: " + perPartition * PARTITIONS + " first syncs per round, " + perPartition
                + " repositories per partition (of " + PARTITIONS + "), GitHub stand-in delaying every request by "
                + slowMs + " ms; efficiency = throughput_N / (N × throughput_1). Baseline for latency: "
                + "`git clone --mirror` + `git push --mirror` of the same repository over HTTP (median of 3).\n\n"
                + table + "\n";
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, doc);
    }

    private void row(String measure, String value, String baseline, String ratio, String goal, Boolean met) {
        add("| " + measure + " | " + value + " | " + baseline + " | " + ratio + " | " + goal + " | "
                + (met == null ? "" : met ? "yes" : "**no**") + " |");
    }

    private void add(String line) {
        lines.add(line);
    }

    private static String secs(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }

    private static String ratio(Duration a, Duration b) {
        return String.format(Locale.ROOT, "%.2f×", a.toMillis() / (double) Math.max(1, b.toMillis()));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void waitUntil(Duration atMost, BooleanSupplier condition) {
        waitUntil(atMost, condition, 200);
    }

    static void waitUntil(Duration atMost, BooleanSupplier condition, long pollMs) {
        org.awaitility.Awaitility.await("benchmark condition").atMost(atMost)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(pollMs))
                .until(condition::getAsBoolean);
    }

    static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
