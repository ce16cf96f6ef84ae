package dev.forgesync.control.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.springframework.stereotype.Component;

import dev.forgesync.requests.relay.DedicatedLoop;

/**
 * Every scan, each repository whose condition ({@code stale} for longer than {@code stale-after},
 * {@code permanent_failure}, {@code source_gone}, {@code auth_broken}, or {@code ok} again: recovered) differs from
 * the one last alerted is claimed (a guarded update: one instance, one alert per change) and sent, within
 * {@code max-per-minute}; changes over the cap are left for the next scan.
 */
@Component
class Alerts extends DedicatedLoop {

    private final AlertProperties properties;
    private final AlertStore store;
    private final AlertSender sender;
    private final Deque<Instant> sent = new ArrayDeque<>();

    Alerts(AlertProperties properties, AlertStore store) {
        super("alerts", properties.scanInterval());
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
    protected void run() {
        scanOnce();
    }

    /** Runs only when an alert webhook is set. */
    @Override
    public void start() {
        if (sender != null) {
            super.start();
        }
    }
}
