package dev.forgesync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The longer faults ({@code -Pfaults}): PostgreSQL stopped for tens of seconds under load, a worker stalled
 * (SIGSTOP) beyond its consumer poll interval, the workers' disk full. The pipeline runs on a private PostgreSQL
 * cluster (the shared server must never be stopped), with a short sync time limit and poll interval, and each
 * worker's mirror cache on a 2 MiB tmpfs when this machine lets root mount one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageFaultIT {

    private static final Duration SETTLE = Duration.ofSeconds(120);

    static PrivatePostgres postgres;
    static Pipeline pipeline;
    static Ledger ledger;
    static final List<Path> mounts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startThePipelineOnAPrivateCluster() throws Exception {
        assumeTrue(PrivatePostgres.available(), "needs root and a local PostgreSQL 15 for a private cluster");
        unmountLeftovers();
        postgres = PrivatePostgres.start();
        pipeline = Pipeline.start("faults", Pipeline.options().workers(2).database(postgres.db())
                .workerEnv("FORGESYNC_SYNC_TIMEOUT", "10s")
                .workerEnv("FORGESYNC_SYNC_CLAIM_TTL", "10s")
                .workerEnv("FORGESYNC_SYNC_HEARTBEAT_INTERVAL", "2s")
                .workerEnv("FORGESYNC_RETRY_DATABASE_MAX_DELAY", "2s")
                .workerEnv("SPRING_KAFKA_CONSUMER_PROPERTIES_MAX_POLL_INTERVAL_MS", "25000")
                .workerEnv("SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT", "1000")
                .prepareCache(OutageFaultIT::mountSmallTmpfs));
        ledger = new Ledger(pipeline);
    }

    @AfterAll
    static void stopEverything() {
        if (pipeline != null) {
            pipeline.close();
        }
        mounts.forEach(m -> Signals.run(List.of("umount", "-l", m.toString())));
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void postgresStoppedUnderLoadIngestAnswers503QuicklyAndLosesNothingAcknowledged() throws Exception {
        List<String> names = List.of("pg/one", "pg/two", "pg/three");
        names.forEach(pipeline::createSource);
        names.forEach(n -> assertThat(ledger.push(n)).isEqualTo(202));
        ledger.balance(SETTLE);

        List<Ledger.Entry> duringOutage = new CopyOnWriteArrayList<>();
        AtomicBoolean outage = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        // Two senders, each a delivery every 100 ms after the previous one answered: the load's pace.
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        for (int t = 0; t < 2; t++) {
            load.scheduleWithFixedDelay(() -> {
                String name = names.get(next.getAndIncrement() % names.size());
                boolean inOutage = outage.get();
                ledger.push(name);
                if (inOutage) {
                    duringOutage.add(ledger.entries().get(ledger.entries().size() - 1));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> ledger.entries().size() > 20);
            postgres.stopServer();
            outage.set(true);
            Instant down = Instant.now();
            await("20 s of outage under load").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Duration.between(down, Instant.now()).compareTo(Duration.ofSeconds(20)) >= 0);
            outage.set(false);
            postgres.startServer();
        } finally {
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        List<Ledger.Entry> refused = duringOutage.stream().filter(e -> e.lastAnswer() == 503).toList();
        assertThat(refused).as("deliveries refused with 503 while the database was down").hasSizeGreaterThan(5);
        refused.forEach(e -> assertThat(e.latencies().get(0)).as("time to a 503").isLessThan(Duration.ofSeconds(3)));
        assertThat(duringOutage).allSatisfy(e -> assertThat(e.lastAnswer()).isIn(202, 503));

        ledger.balance(SETTLE);
        names.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
    }

    /**
     * Requests already in Kafka when PostgreSQL goes away for longer than the worker's whole retry chain (here
     * 4 attempts, 1 + 2 + 4 s apart, each waiting at most 1 s for a connection: about 11 s; the outage lasts 30 s,
     * more than twice that, and longer than the workers' max.poll.interval.ms of 25 s).
     * Before the hardening they walked the chain into the dead-letter topic while their rows stayed {@code pending}
     * for ever; now every one of them is mirrored once the database is back.
     */
    @Test
    @Order(2)
    void postgresDownLongerThanTheWholeRetryChainStrandsNoRepository() {
        List<String> names = List.of("long/one", "long/two", "long/three", "long/four");
        names.forEach(pipeline::createSource);
        names.forEach(n -> assertThat(ledger.push(n)).isEqualTo(202));
        ledger.balance(SETTLE);

        pipeline.workers().forEach(ServiceProcess::pause);
        try {
            for (String name : names) {
                GitRepos.commit(pipeline.source(name), "master", "after-outage.txt", name);
                assertThat(ledger.push(name)).isEqualTo(202);
            }
            await("every request published to Kafka").atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.query("SELECT id FROM webhook_events WHERE processed IS NOT TRUE").isEmpty());
            postgres.stopServer();
        } finally {
            pipeline.workers().forEach(ServiceProcess::resume);
        }
        Instant down = Instant.now();
        try {
            await("30 s of outage, beyond the retry chain and the poll interval").atMost(Duration.ofSeconds(55))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Duration.between(down, Instant.now()).compareTo(Duration.ofSeconds(30)) >= 0);
        } finally {
            postgres.startServer();
        }

        ledger.balance(SETTLE);
        names.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
    }

    @Test
    @Order(3)
    void workerStalledBeyondItsPollIntervalLosesTheRequestToAnotherWorker() {
        String name = "stall/sigstop";
        pipeline.createSource(name);
        pipeline.github().delay(Duration.ofMillis(1500));
        ServiceProcess stalled;
        Instant pausedAt;
        try {
            assertThat(ledger.push(name)).isEqualTo(202);
            stalled = await("a worker fetching " + name).atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.workerWithCacheOf(name).orElse(null), w -> w != null);
            stalled.pause();
            pausedAt = Instant.now();
        } finally {
            pipeline.github().delay(Duration.ZERO);
        }
        try {
            await("another worker completes " + name).atMost(Duration.ofSeconds(90))
                    .until(() -> "completed".equals(ledger.status(name)));
            // Frozen beyond max.poll.interval.ms (25 s) and the session timeout (8 s) before it wakes up.
            await("stalled beyond the poll interval").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Duration.between(pausedAt, Instant.now()).compareTo(Duration.ofSeconds(30)) >= 0);
        } finally {
            stalled.resume();
        }

        ledger.balance(SETTLE);

        assertThat(ledger.status(name)).isEqualTo("completed");
        GitRepos.assertFullyConnected(pipeline.mirror(name).orElseThrow());
        assertThat(pipeline.liveWorkers()).hasSize(2);
    }

    @Test
    @Order(4)
    void fullDiskFailsCleanlyPushesNothingAndSucceedsOnceSpaceReturns() {
        assumeTrue(mounts.size() == pipeline.workers().size(), "tmpfs could not be mounted on the worker caches");
        String name = "disk/full";
        pipeline.createSource(name);
        GitRepos.commit(pipeline.source(name), "master", "big.bin", randomBytes(4 * 1024 * 1024));
        mounts.forEach(m -> Signals.runOk(List.of("mount", "-o", "remount,size=2m", m.toString())));

        assertThat(ledger.push(name)).isEqualTo(202);
        await("a failed sync of " + name).atMost(Duration.ofSeconds(60))
                .until(() -> !syncFailures(name).isEmpty());
        assertThat(pipeline.mirror(name).map(GitRepos::refs).orElse(Map.of())).as("refs pushed to OneDev").isEmpty();
        mounts.forEach(m -> Signals.runOk(List.of("mount", "-o", "remount,size=64m", m.toString())));

        ledger.balance(SETTLE);

        if (!"completed".equals(ledger.status(name))) { // the retries ran out before space returned: an event re-arms
            assertThat(ledger.push(name)).isEqualTo(202);
            ledger.balance(SETTLE);
        }
        assertThat(ledger.status(name)).isEqualTo("completed");
        assertThat(syncFailures(name)).extracting(r -> r.get("error_code")).isNotEmpty();
        GitRepos.assertFullyConnected(pipeline.mirror(name).orElseThrow());
    }

    private static List<Map<String, Object>> syncFailures(String name) {
        return pipeline.query("SELECT l.* FROM sync_logs l JOIN repositories r ON r.id = l.repository_id "
                + "WHERE r.github_full_name = ? AND l.event_type = 'sync_failed' ORDER BY l.id", name);
    }

    /** Each worker's cache on its own tmpfs (64 MiB while the other scenarios run; 2 MiB for the full disk). */
    private static void mountSmallTmpfs(Path cache) {
        try {
            Signals.runOk(List.of("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", cache.toString()));
            mounts.add(cache);
        } catch (RuntimeException e) {
            System.err.println("e2e: no tmpfs for " + cache + " (" + e.getMessage() + "); the full-disk case is skipped");
        }
    }

    /**
     * Unmounts what an earlier run of this checkout left mounted. Only under this module's own target folder: another
     * checkout of the project (a second worktree) may be running this class at the same time, on its own mounts.
     */
    private static void unmountLeftovers() {
        String mine = Path.of("target", "e2e", "faults").toAbsolutePath() + "/";
        String mounted = Signals.run(List.of("cat", "/proc/mounts"));
        List<String> ours = new ArrayList<>();
        for (String line : mounted.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].startsWith(mine)) {
                ours.add(f[1]);
            }
        }
        ours.forEach(m -> Signals.run(List.of("umount", "-l", m)));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.util.Random(n).nextBytes(bytes);
        return bytes;
    }
}
