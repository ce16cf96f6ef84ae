package dev.forgesync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.SlowWebhookClient;

/**
 * The public endpoint under abuse, against the real ingest-service process on a 128 MB heap: 200 connections that
 * announce 5 MB bodies and trickle a byte now and then (half with a well-formed but wrong signature, so their bodies
 * are read; half unsigned, so they are refused from their headers), 10,000 unsigned requests with random event names
 * (every tenth one 7,000 characters long), and meanwhile a signed delivery every 300 ms, each of which must be
 * answered 202 and stored; afterwards the service is healthy and its log has no OutOfMemoryError. Traffic goes only to
 * 127.0.0.1; the run is bounded in count and time.
 */
class AbuseIT {

    private static final int SLOW_CONNECTIONS = 200;
    private static final long ANNOUNCED = 5L * 1024 * 1024;
    private static final int UNSIGNED_REQUESTS = 10_000;
    private static final int FLOODERS = 4;
    /** At one per 300 ms: the attack lasts at least 12 s, past the body timeout, so slow connections are replaced. */
    private static final int SIGNED_DELIVERIES = 40;

    static Pipeline pipeline;

    @BeforeAll
    static void startIngestOnASmallHeap() {
        Pipeline.Options options = Pipeline.options().workers(0);
        options.heapIngest = "128m";
        pipeline = Pipeline.start("abuse", options);
    }

    @AfterAll
    static void stopEverything() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void unsignedFloodsAndSlowBodiesLeaveSignedDeliveriesServed() throws Exception {
        Ledger ledger = new Ledger(pipeline);
        SlowConnections slow = new SlowConnections();
        ScheduledExecutorService paced = Executors.newScheduledThreadPool(2);
        ExecutorService flooders = Executors.newFixedThreadPool(FLOODERS);
        Map<Integer, Integer> unsignedAnswers = new HashMap<>();
        try {
            paced.scheduleWithFixedDelay(slow::tick, 0, 1, TimeUnit.SECONDS);
            AtomicInteger signedSent = new AtomicInteger();
            paced.scheduleWithFixedDelay(() -> {
                String fullName = "abuse/served-" + signedSent.incrementAndGet();
                ledger.send(Ledger.delivery("star", "star.created.json", fullName), fullName);
            }, 500, 300, TimeUnit.MILLISECONDS);
            List<Future<Map<Integer, Integer>>> floods = new ArrayList<>();
            for (int i = 0; i < FLOODERS; i++) {
                floods.add(flooders.submit(() -> flood(UNSIGNED_REQUESTS / FLOODERS)));
            }
            for (Future<Map<Integer, Integer>> f : floods) {
                f.get(3, TimeUnit.MINUTES).forEach((status, n) -> unsignedAnswers.merge(status, n, Integer::sum));
            }
            await("signed deliveries sent while under attack").atMost(Duration.ofMinutes(1))
                    .until(() -> ledger.entries().size() >= SIGNED_DELIVERIES);
        } finally {
            paced.shutdown(); // the delivery being sent, if any, gets its answer
            flooders.shutdownNow();
            paced.awaitTermination(30, TimeUnit.SECONDS);
            slow.close();
        }

        assertThat(slow.opened()).as("slow connections opened").isGreaterThanOrEqualTo(SLOW_CONNECTIONS);
        assertThat(unsignedAnswers).as("answers to the unsigned requests, by status")
                .containsOnlyKeys(400, 401).containsEntry(400, UNSIGNED_REQUESTS / 10);
        List<Ledger.Entry> signed = ledger.entries();
        assertThat(signed).hasSizeGreaterThanOrEqualTo(SIGNED_DELIVERIES);
        for (Ledger.Entry entry : signed) {
            assertThat(entry.answers()).as("answer to signed delivery " + entry.delivery().deliveryId()).containsExactly(202);
            assertThat(pipeline.query("SELECT 1 FROM webhook_events WHERE event_id = ?", entry.delivery().deliveryId()))
                    .as("stored").hasSize(1);
        }
        assertThat(pipeline.ingest().healthStatus()).as("health").isEqualTo(200);
        assertThat(pipeline.ingest().isAlive()).isTrue();
        assertThat(Files.readString(pipeline.ingest().logFile())).doesNotContain("OutOfMemoryError");
    }

    /**
     * 200 connections that announced 5 MB bodies; each tick sends every one of them a byte and replaces those the
     * server has answered or closed (after the body timeout), so 200 stay open throughout.
     */
    private static final class SlowConnections implements AutoCloseable {
        private final List<SlowWebhookClient> open = new ArrayList<>();
        private final int port = URI.create(pipeline.ingest().baseUrl()).getPort();
        private int opened;

        synchronized void tick() {
            open.removeIf(SlowConnections::finished);
            while (open.size() < SLOW_CONNECTIONS) {
                open.add(SlowWebhookClient.announce(port, ANNOUNCED, slowHeaders(opened++)));
            }
        }

        synchronized int opened() {
            return opened;
        }

        @Override
        public synchronized void close() {
            open.forEach(SlowWebhookClient::close);
            open.clear();
        }

        private static boolean finished(SlowWebhookClient client) {
            if (client.send(1) && client.status(Duration.ofMillis(1)) == 0) {
                return false;
            }
            client.close();
            return true;
        }
    }

    private static Map<String, String> slowHeaders(int n) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-GitHub-Event", "push");
        headers.put("X-GitHub-Delivery", "slow-" + n);
        if (n % 2 == 0) {
            headers.put("X-Hub-Signature-256", SlowWebhookClient.WELL_FORMED_WRONG_SIGNATURE);
        }
        return headers;
    }

    /** {@code count} unsigned requests with random event names; the number of answers by status. */
    private static Map<Integer, Integer> flood(int count) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> answers = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String event = i % 10 == 0 ? "x".repeat(7_000) + UUID.randomUUID()
                    : Long.toString(ThreadLocalRandom.current().nextLong(), 36) + UUID.randomUUID().toString().substring(0, 8);
            HttpRequest request = HttpRequest.newBuilder(URI.create(pipeline.ingest().baseUrl() + "/webhooks/github"))
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .header("X-GitHub-Event", event)
                    .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"zen\":\"flood\"}"))
                    .build();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = 0;
            }
            answers.merge(status, 1, Integer::sum);
        }
        return answers;
    }

}
