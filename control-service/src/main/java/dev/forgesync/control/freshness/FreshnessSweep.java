package dev.forgesync.control.freshness;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.relay.DedicatedLoop;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every tick, takes the repositories whose check is due (each one's next check set 90-110 % of the interval ahead,
 * so checks spread) and checks them, at most {@code per-host} at a time against the git host, batch after batch
 * until fewer than a batch are due (a backlog - thousands adopted at once, or due after an outage - is not paced at
 * one batch per tick). Several instances share the due rows ({@code SKIP LOCKED}). Publishes the gauges
 * {@code forgesync_freshness_repositories{state}}
 * and {@code forgesync_freshness_oldest_stale_seconds}.
 */
@Component
class FreshnessSweep extends DedicatedLoop {

    private static final Logger log = LoggerFactory.getLogger(FreshnessSweep.class);

    private final FreshnessProperties properties;
    private final FreshnessStore store;
    private final FreshnessCheck check;
    private final AtomicReference<Map<FreshnessState, Long>> counts = new AtomicReference<>(Map.of());
    private final AtomicReference<Double> oldestStale = new AtomicReference<>(0.0);
    private volatile ExecutorService checks;

    FreshnessSweep(FreshnessProperties properties, FreshnessStore store, FreshnessCheck check, MeterRegistry meters) {
        super("freshness", properties.tick());
        this.properties = properties;
        this.store = store;
        this.check = check;
        for (FreshnessState state : FreshnessState.values()) {
            Gauge.builder("forgesync.freshness.repositories", counts, c -> c.get().getOrDefault(state, 0L))
                    .tag("state", state.dbValue()).description("Mirrored repositories per freshness state")
                    .register(meters);
        }
        Gauge.builder("forgesync.freshness.oldest.stale", oldestStale, AtomicReference::get)
                .baseUnit("seconds").description("Age of the oldest stale repository's staleness")
                .register(meters);
    }

    /** One sweep: batches until fewer than a batch were due; what each checked repository's state became. */
    List<FreshnessState> sweepOnce() {
        List<FreshnessState> states = new ArrayList<>();
        while (batch(states) == properties.batchSize() && !Thread.currentThread().isInterrupted()) {
            log.debug("freshness: a full batch was due, taking the next one");
        }
        refreshGauges();
        return states;
    }

    /** One batch of due repositories checked (undecided checks left out of {@code states}); how many were taken. */
    private int batch(List<FreshnessState> states) {
        ExecutorService pool = checks();
        store.adopt(properties.interval(), properties.batchSize());
        List<FreshnessStore.Due> due = store.takeDue(properties.interval(), properties.batchSize());
        List<Future<Optional<FreshnessState>>> futures = new ArrayList<>();
        due.forEach(d -> futures.add(pool.submit(() -> check.check(d))));
        for (Future<Optional<FreshnessState>> future : futures) {
            await(future).ifPresent(states::add);
        }
        return due.size();
    }

    void refreshGauges() {
        counts.set(new EnumMap<>(store.counts()));
        oldestStale.set(store.oldestStaleSeconds());
    }

    private Optional<FreshnessState> await(Future<Optional<FreshnessState>> future) {
        try {
            return future.get(properties.timeout().toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            future.cancel(true);
            log.warn("freshness check failed: {}", e.toString());
            return Optional.empty();
        }
    }

    private synchronized ExecutorService checks() {
        if (checks == null) {
            checks = Executors.newFixedThreadPool(properties.perHost(), r -> {
                Thread t = new Thread(r, "freshness-check");
                t.setDaemon(true);
                return t;
            });
        }
        return checks;
    }

    @Override
    protected void run() {
        sweepOnce();
    }

    /** Runs only when freshness checks are enabled. */
    @Override
    public void start() {
        if (properties.enabled()) {
            super.start();
        }
    }
}
