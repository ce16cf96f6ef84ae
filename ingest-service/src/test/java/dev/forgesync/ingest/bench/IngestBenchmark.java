package dev.forgesync.ingest.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.forgesync.testsupport.Webhooks;

/**
 * Load generator for ingest-service (not a test: run by {@code ingest-service/bench/run-bench.sh}).
 *
 * <pre>
 * raw-insert --jdbc-url U --clients 16 --seconds 15 [--table like|real]
 *                                        single-row autocommit INSERT commits/s into a webhook_events-like table with
 *                                        two indexes (like), or into a copy of webhook_events itself, all its indexes,
 *                                        defaults and constraints (real; the app's migrations must have run)
 * peak       --url U --secret S --clients 16 --seconds 20
 *                                        closed loop, one connection per client: accepted (2xx) webhooks/s
 * latency    --url U --secret S --rate R --seconds 20 [--connections 64]
 *                                        open loop at a constant arrival rate; latency measured from each request's
 *                                        scheduled send time (no coordinated omission)
 * verify     --jdbc-url U --run-id ID    every 2xx of the run is a stored row
 * </pre>
 * Deliveries are real push payloads rewritten for {@code --repos} repositories, correctly signed, each with a fresh
 * delivery id {@code <run-id>-<n>-<nonce>}. HTTP goes through the benchmark's own blocking keep-alive HTTP/1.1
 * client ({@link HttpConnection}, {@link WebhookRequests}, {@link HttpResponseReader}): java.net.http.HttpClient
 * burnt about as much CPU as the service under test on two cores, so the figures measured the generator. peak and
 * latency print the generator's own CPU seconds ({@code generator_cpu_s} for the whole process,
 * {@code generator_loop_cpu_s} for the measured loop) so that can be checked.
 */
public final class IngestBenchmark {

    private final Map<String, String> args;

    private IngestBenchmark(Map<String, String> args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        var bench = new IngestBenchmark(args);
        switch (argv[0]) {
            case "raw-insert" -> bench.rawInsert();
            case "peak" -> bench.peak();
            case "latency" -> bench.latency();
            case "verify" -> bench.verify();
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        }
        System.exit(0); // nothing left over may keep the JVM (and so run-bench.sh, reading its output) alive
    }

    // ---- raw PostgreSQL single-row INSERT commits/s ----

    private void rawInsert() throws Exception {
        int clients = intArg("clients", 16);
        Duration duration = Duration.ofSeconds(intArg("seconds", 15));
        String url = args.get("jdbc-url");
        String table = args.getOrDefault("table", "like");
        Webhooks.Delivery delivery = deliveries(1).get(0);
        String payload = new String(delivery.body(), StandardCharsets.UTF_8);
        String insert;
        try (Connection c = DriverManager.getConnection(url, user(), password())) {
            switch (table) {
                case "like" -> {
                    // The lighter baseline: webhook_events' columns with two indexes (primary key, unique event_id).
                    c.createStatement().execute("""
                            CREATE TABLE IF NOT EXISTS bench_raw_events (id SERIAL PRIMARY KEY, event_id VARCHAR(100) UNIQUE,
                                event_type VARCHAR(50) NOT NULL, delivery_id VARCHAR(100), payload JSONB NOT NULL,
                                signature VARCHAR(100) NOT NULL, processed BOOLEAN DEFAULT FALSE,
                                received_at TIMESTAMPTZ NOT NULL DEFAULT NOW())""");
                    insert = """
                            INSERT INTO bench_raw_events (event_id, event_type, delivery_id, payload, signature)
                            VALUES (?, 'push', ?, CAST(? AS jsonb), 'sha256=0')""";
                }
                case "real" -> {
                    // webhook_events' own shape (the migrations must have run): all its indexes, defaults (its id
                    // sequence too) and constraints, filled the way the service fills a row, ON CONFLICT included.
                    c.createStatement().execute(
                            "CREATE TABLE IF NOT EXISTS bench_raw_webhook_events (LIKE webhook_events INCLUDING ALL)");
                    insert = """
                            INSERT INTO bench_raw_webhook_events (event_id, event_type, delivery_id, payload, signature,
                                                                  processed, received_at)
                            VALUES (?, 'push', ?, CAST(? AS jsonb), ?, FALSE, ?)
                            ON CONFLICT (event_id) DO NOTHING
                            RETURNING id""";
                }
                default -> throw new IllegalArgumentException("--table like|real, not " + table);
            }
        }
        boolean real = table.equals("real");
        AtomicLong commits = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(CompletableFuture.runAsync(
                    () -> insertUntil(url, insert, real, payload, delivery.signature(), end, commits), pool));
        }
        long started = System.nanoTime();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT,
                "RESULT raw-insert table=%s clients=%d commits=%d seconds=%.1f commits_per_s=%.1f%n",
                table, clients, commits.get(), seconds, commits.get() / seconds);
    }

    private void insertUntil(String url, String sql, boolean real, String payload, String signature, long end,
            AtomicLong commits) {
        try (Connection c = DriverManager.getConnection(url, user(), password());
             PreparedStatement insert = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            while (System.nanoTime() < end) {
                String id = UUID.randomUUID().toString();
                insert.setString(1, id);
                insert.setString(2, id);
                insert.setString(3, payload);
                if (real) {
                    insert.setString(4, signature);
                    insert.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
                    try (ResultSet rs = insert.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("delivery id " + id + " stored twice");
                        }
                    }
                } else {
                    insert.executeUpdate();
                }
                commits.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- ingest peak: closed loop, one connection per client ----

    private void peak() throws Exception {
        int clients = intArg("clients", 16);
        Duration duration = Duration.ofSeconds(intArg("seconds", 20));
        WebhookRequests requests = requests();
        AtomicLong sequence = new AtomicLong();
        long[] accepted = new long[clients];
        long[] refused = new long[clients];
        HttpConnection[] connections = new HttpConnection[clients];
        Thread[] threads = new Thread[clients];
        long cpuBefore = cpuNanos();
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        for (int i = 0; i < clients; i++) {
            int client = i;
            connections[i] = connection();
            threads[i] = daemon("bench-peak-" + i, () -> {
                byte[] buffer = requests.newBuffer();
                HttpConnection connection = connections[client];
                long ok = 0;
                long ko = 0;
                while (System.nanoTime() < end) {
                    int status = connection.exchange(buffer, requests.render(sequence.incrementAndGet(), buffer));
                    if (status / 100 == 2) {
                        ok++;
                    } else {
                        ko++;
                    }
                }
                connection.close();
                accepted[client] = ok;
                refused[client] = ko;
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long loopCpu = cpuNanos() - cpuBefore;
        long ok = Arrays.stream(accepted).sum();
        reportFailures("peak", connections);
        System.out.printf(Locale.ROOT, "RESULT peak clients=%d accepted=%d refused=%d seconds=%.1f accepted_per_s=%.1f"
                        + " generator_cpu_s=%.2f generator_loop_cpu_s=%.2f%n",
                clients, ok, Arrays.stream(refused).sum(), seconds, ok / seconds, cpuNanos() / 1e9, loopCpu / 1e9);
    }

    // ---- ingest latency: open loop at a constant arrival rate ----

    /**
     * Request n is due at {@code start + n * interval}; the scheduler (this thread) releases each one when it is due,
     * and whichever of the connection workers is free sends it. When all are busy, due requests wait (in order) and
     * their latency still counts from the time they were due: the generator never slows down to the server's pace.
     */
    private void latency() throws Exception {
        double rate = Double.parseDouble(args.get("rate"));
        Duration duration = Duration.ofSeconds(intArg("seconds", 20));
        int workers = intArg("connections", 64);
        WebhookRequests requests = requests();
        long total = (long) (rate * duration.toSeconds());
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many requests: " + total);
        }
        long intervalNanos = (long) (1e9 / rate);
        long[] latencies = new long[(int) total];
        long[] accepted = new long[workers];
        long[] refused = new long[workers];
        Semaphore due = new Semaphore(0);
        AtomicLong next = new AtomicLong();
        HttpConnection[] connections = new HttpConnection[workers];
        Thread[] threads = new Thread[workers];
        long cpuBefore = cpuNanos();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20); // the workers are parked by then
        // A request still waiting for a connection a minute after the last one was due is not sent: 599.
        long giveUp = start + total * intervalNanos + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < workers; i++) {
            int worker = i;
            connections[i] = connection();
            threads[i] = daemon("bench-latency-" + i, () -> {
                byte[] buffer = requests.newBuffer();
                HttpConnection connection = connections[worker];
                long ok = 0;
                long ko = 0;
                while (true) {
                    due.acquireUninterruptibly();
                    long n = next.getAndIncrement();
                    if (n >= total) {
                        break;
                    }
                    long scheduled = start + n * intervalNanos;
                    int status = System.nanoTime() - giveUp > 0 ? HttpConnection.FAILED
                            : connection.exchange(buffer, requests.render(n, buffer));
                    latencies[(int) n] = System.nanoTime() - scheduled;
                    if (status / 100 == 2) {
                        ok++;
                    } else {
                        ko++;
                    }
                }
                connection.close();
                accepted[worker] = ok;
                refused[worker] = ko;
            });
        }
        long released = 0;
        while (released < total) {
            long now = System.nanoTime();
            long dueNow = now - start < 0 ? 0 : Math.min(total, (now - start) / intervalNanos + 1);
            if (dueNow > released) {
                due.release((int) (dueNow - released));
                released = dueNow;
            } else {
                LockSupport.parkNanos(start + released * intervalNanos - now);
            }
        }
        due.release(workers); // one past the end each: the workers stop
        for (Thread thread : threads) {
            thread.join();
        }
        long loopCpu = cpuNanos() - cpuBefore;
        Arrays.sort(latencies);
        reportFailures("latency", connections);
        System.out.printf(Locale.ROOT,
                "RESULT latency rate_per_s=%.1f sent=%d accepted=%d refused=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f"
                        + " max_ms=%.2f generator_cpu_s=%.2f generator_loop_cpu_s=%.2f%n",
                rate, total, Arrays.stream(accepted).sum(), Arrays.stream(refused).sum(), percentile(latencies, 50),
                percentile(latencies, 99), percentile(latencies, 99.9),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, cpuNanos() / 1e9, loopCpu / 1e9);
    }

    // ---- durability check: every 2xx is a row ----

    private void verify() throws Exception {
        try (Connection c = DriverManager.getConnection(args.get("jdbc-url"), user(), password());
             PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM webhook_events WHERE event_id LIKE ?")) {
            count.setString(1, runId() + "-%");
            var rs = count.executeQuery();
            rs.next();
            System.out.printf("RESULT verify stored_rows=%d%n", rs.getLong(1));
        }
    }

    private WebhookRequests requests() {
        // Fixed per process: two runs with the same run id never send the same delivery id.
        String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        return new WebhookRequests(URI.create(args.get("url")), runId(), nonce, deliveries(intArg("repos", 200)));
    }

    private HttpConnection connection() {
        URI url = URI.create(args.get("url"));
        return new HttpConnection(url.getHost(), url.getPort() < 0 ? 80 : url.getPort(), 5_000, 15_000);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** This process's CPU time (user + system) so far, in nanoseconds; -1 when the platform does not say. */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static void reportFailures(String mode, HttpConnection[] connections) {
        long failures = 0;
        long connects = 0;
        long retries = 0;
        IOException first = null;
        for (HttpConnection connection : connections) {
            failures += connection.failures();
            connects += connection.connects();
            retries += connection.staleRetries();
            if (first == null) {
                first = connection.firstFailure();
            }
        }
        System.err.printf(Locale.ROOT, "%s: %d connections opened, %d requests resent on a new connection, %d failed"
                + " without an answer (counted as refused, status 599)%s%n", mode, connects, retries, failures,
                first == null ? "" : "; first: " + first);
    }

    private List<Webhooks.Delivery> deliveries(int repos) {
        String secret = args.getOrDefault("secret", "bench-secret");
        List<Webhooks.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < repos; i++) {
            deliveries.add(Webhooks.forRepository("push", "push.payload.json", secret, "bench-org/repo-" + i, 5_000_000L + i));
        }
        return deliveries;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private String runId() {
        return args.getOrDefault("run-id", "bench");
    }

    private int intArg(String name, int fallback) {
        return args.containsKey(name) ? Integer.parseInt(args.get(name)) : fallback;
    }

    private String user() {
        return args.getOrDefault("jdbc-user", "postgres");
    }

    private String password() {
        return args.getOrDefault("jdbc-password", "");
    }

    @Override
    public String toString() {
        return "IngestBenchmark" + Arrays.toString(args.keySet().toArray());
    }
}
