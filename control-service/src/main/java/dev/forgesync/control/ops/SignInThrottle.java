package dev.forgesync.control.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Wrong tokens per client address, for the ops API's bearer header and the status page's sign-in alike: after
 * {@code max-failures} wrong tokens from one address within {@code window}, that address is refused (429 with
 * {@code Retry-After}) until the oldest of them leaves the window, before its token is even compared. Only the
 * guessing address waits: the admin signing in from another address is never held up. A right token forgives
 * nothing (a holder of the read token could otherwise guess the admin token without limit). Addresses are
 * remembered least recently used first out, at most {@code tracked-addresses} of them.
 */
public final class SignInThrottle {

    private final SignInProperties properties;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures;

    SignInThrottle(SignInProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.failures = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
                return size() > properties.trackedAddresses();
            }
        };
    }

    /** How long {@code address} must wait before its next token is looked at; empty when it may try now. */
    public synchronized Optional<Duration> refusedFor(String address) {
        Deque<Instant> recent = recent(address);
        if (recent == null || recent.size() < properties.maxFailures()) {
            return Optional.empty();
        }
        Duration wait = Duration.between(clock.instant(), recent.peekFirst().plus(properties.window()));
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }

    /** A wrong token from {@code address}. */
    public synchronized void failed(String address) {
        if (!properties.enabled()) {
            return;
        }
        Deque<Instant> recent = recent(address);
        if (recent == null) {
            recent = new ArrayDeque<>();
            failures.put(address, recent);
        }
        recent.addLast(clock.instant());
        while (recent.size() > properties.maxFailures()) {
            recent.removeFirst();
        }
    }

    /** Whole seconds to put in {@code Retry-After}, at least 1. */
    public static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private Deque<Instant> recent(String address) {
        Deque<Instant> recent = failures.get(address);
        if (recent == null) {
            return null;
        }
        Instant windowStart = clock.instant().minus(properties.window());
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(windowStart)) {
            recent.removeFirst();
        }
        if (recent.isEmpty()) {
            failures.remove(address);
            return null;
        }
        return recent;
    }
}
