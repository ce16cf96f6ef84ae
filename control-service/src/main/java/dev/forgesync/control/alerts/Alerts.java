package dev.forgesync.control.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Every scan, each repository whose condition ({@code stale} for longer than {@code stale-after},
 * {@code permanent_failure}, {@code source_gone}, {@code auth_broken}, or {@code ok} again: recovered) differs from
 * the one last alerted is claimed (a guarded update: one instance, one alert per change) and sent, within
 * {@code max-per-minute}; changes over the cap are left for the next scan.
 */
@Component
class Alerts implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final AlertProperties properties;
    private final AlertStore store;
    private final AlertSender sender;
    private final Deque<Instant> sent = new ArrayDeque<>();
    private volatile ThreadPoolTaskScheduler scheduler;
    private volatile ScheduledFuture<?> task;

    Alerts(AlertProperties properties, AlertStore store) {
        this.properties = properties;
        this.store = store;
        this.sender = properties.enabled() ? new AlertSender(properties) : null;
    }

    /** One scan; how many alerts were sent. */
    synchronized int scanOnce() {
        if (sender == null) {
            return 0;
        }
        int budget = budget();
        int count = 0;
        for (AlertStore.Change change : store.changes(properties.staleAfter(), budget)) {
            if (store.claim(change)) {
                sender.send(change);
                sent.addLast(Instant.now());
                count++;
            }
        }
        return count;
    }

    private int budget() {
        Instant windowStart = Instant.now().minus(Duration.ofMinutes(1));
        while (!sent.isEmpty() && sent.peekFirst().isBefore(windowStart)) {
            sent.removeFirst();
        }
        return Math.max(0, properties.maxPerMinute() - sent.size());
    }

    @Override
    public void start() {
        if (sender == null) {
            return;
        }
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("alerts-");
        scheduler.initialize();
        task = scheduler.scheduleWithFixedDelay(() -> {
            try {
                scanOnce();
            } catch (RuntimeException e) {
                log.warn("alert scan failed: {}", e.toString());
            }
        }, Instant.now().plus(properties.scanInterval()), properties.scanInterval());
    }

    @Override
    public void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        if (scheduler != null) {
            scheduler.shutdown();
            scheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }
}
