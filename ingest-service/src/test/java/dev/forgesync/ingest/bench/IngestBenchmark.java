package dev.forgesync.ingest.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.forgesync.testsupport.Webhooks;

/**
 * Load generator for ingest-service (not a test: run by {@code ingest-service/bench/run-bench.sh}).
 *
 * <pre>
 * raw-insert --jdbc-url U --clients 16 --seconds 15        single-row INSERT commits/s into a webhook_events-like table
 * peak       --url U --secret S --clients 16 --seconds 20  closed loop: accepted (2xx) webhooks/s
 * latency    --url U --secret S --rate R --seconds 20      open loop at a constant arrival rate; latency measured from
 *                                                          each request's scheduled send time (no coordinated omission)
 * verify     --jdbc-url U --run-id ID --expected N         every 2xx of the run is a stored row
 * </pre>
 * Deliveries are real push payloads rewritten for {@code --repos} repositories, correctly signed, each with a fresh
 * delivery id {@code <run-id>-<n>}.
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
        System.exit(0); // the HTTP client's threads are not daemons
    }

    // ---- raw PostgreSQL single-row INSERT commits/s ----

    private void rawInsert() throws Exception {
        int clients = intArg("clients", 16);
        Duration duration = Duration.ofSeconds(intArg("seconds", 15));
        String url = args.get("jdbc-url");
        String payload = new String(deliveries(1).get(0).body(), StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection(url, user(), password())) {
            c.createStatement().execute("""
                    CREATE TABLE IF NOT EXISTS bench_raw_events (id SERIAL PRIMARY KEY, event_id VARCHAR(100) UNIQUE,
                        event_type VARCHAR(50) NOT NULL, delivery_id VARCHAR(100), payload JSONB NOT NULL,
                        signature VARCHAR(100) NOT NULL, processed BOOLEAN DEFAULT FALSE,
                        received_at TIMESTAMPTZ NOT NULL DEFAULT NOW())""");
        }
        AtomicLong commits = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(CompletableFuture.runAsync(() -> insertUntil(url, payload, end, commits), pool));
        }
        long started = System.nanoTime();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "RESULT raw-insert clients=%d commits=%d seconds=%.1f commits_per_s=%.1f%n",
                clients, commits.get(), seconds, commits.get() / seconds);
    }

    private void insertUntil(String url, String payload, long end, AtomicLong commits) {
        try (Connection c = DriverManager.getConnection(url, user(), password());
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO bench_raw_events (event_id, event_type, delivery_id, payload, signature)
                     VALUES (?, 'push', ?, CAST(? AS jsonb), 'sha256=0')""")) {
            c.setAutoCommit(true);
            while (System.nanoTime() < end) {
                String id = UUID.randomUUID().toString();
                insert.setString(1, id);
                insert.setString(2, id);
                insert.setString(3, payload);
                insert.executeUpdate();
                commits.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- ingest peak: closed loop ----

    private void peak() throws Exception {
        int clients = intArg("clients", 16);
        Duration duration = Duration.ofSeconds(intArg("seconds", 20));
        List<Webhooks.Delivery> deliveries = deliveries(intArg("repos", 200));
        HttpClient http = http(clients);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    long n = sequence.incrementAndGet();
                    int status = post(http, deliveries.get((int) (n % deliveries.size())), n).join();
                    (status / 100 == 2 ? accepted : refused).incrementAndGet();
                }
            }, pool));
        }
        long started = System.nanoTime();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "RESULT peak clients=%d accepted=%d refused=%d seconds=%.1f accepted_per_s=%.1f%n",
                clients, accepted.get(), refused.get(), seconds, accepted.get() / seconds);
    }

    // ---- ingest latency: open loop at a constant arrival rate ----

    private void latency() throws Exception {
        double rate = Double.parseDouble(args.get("rate"));
        Duration duration = Duration.ofSeconds(intArg("seconds", 20));
        List<Webhooks.Delivery> deliveries = deliveries(intArg("repos", 200));
        HttpClient http = http(64);
        long total = (long) (rate * duration.toSeconds());
        long intervalNanos = (long) (1e9 / rate);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        long start = System.nanoTime();
        for (long n = 0; n < total; n++) {
            long scheduled = start + n * intervalNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.add(post(http, deliveries.get((int) (n % deliveries.size())), n).thenAccept(status -> {
                latencies.add(System.nanoTime() - scheduled);
                (status / 100 == 2 ? accepted : refused).incrementAndGet();
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT,
                "RESULT latency rate_per_s=%.1f sent=%d accepted=%d refused=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n",
                rate, total, accepted.get(), refused.get(), percentile(sorted, 50), percentile(sorted, 99),
                percentile(sorted, 99.9), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
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

    private CompletableFuture<Integer> post(HttpClient http, Webhooks.Delivery delivery, long n) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(args.get("url")))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", delivery.event())
                .header("X-GitHub-Delivery", runId() + "-" + n + "-" + UUID.randomUUID())
                .header("X-Hub-Signature-256", delivery.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode)
                .exceptionally(e -> 599);
    }

    private List<Webhooks.Delivery> deliveries(int repos) {
        String secret = args.getOrDefault("secret", "bench-secret");
        List<Webhooks.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < repos; i++) {
            deliveries.add(Webhooks.forRepository("push", "push.payload.json", secret, "bench-org/repo-" + i, 5_000_000L + i));
        }
        return deliveries;
    }

    private static HttpClient http(int threads) {
        // Daemon threads: the client's executor is never shut down, and non-daemon threads kept the JVM (and so
        // run-bench.sh, which waits for its output to end) alive after a phase finished.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(threads, runnable -> {
                    Thread thread = new Thread(runnable, "bench-http");
                    thread.setDaemon(true);
                    return thread;
                }))
                .connectTimeout(Duration.ofSeconds(5)).build();
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
