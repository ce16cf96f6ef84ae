package dev.forgesync.ingest.webhook;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of refused requests, which anyone can cause: at most {@link #LINES_PER_WINDOW} per
 * {@link #WINDOW_NANOS} (the rest are counted and the count is reported by the next line written), and header values
 * cut to {@link #MAX_VALUE_LENGTH} printable ASCII characters, so neither a flood nor a crafted header can fill the
 * disk or forge lines. The metrics count every refusal.
 */
final class RefusalLog {

    static final int LINES_PER_WINDOW = 20;
    static final long WINDOW_NANOS = 10_000_000_000L;
    static final int MAX_VALUE_LENGTH = 64;

    private static final Logger log = LoggerFactory.getLogger(WebhookServlet.class);

    private final LongSupplier clock;
    private final AtomicLong window = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    RefusalLog() {
        this(System::nanoTime);
    }

    RefusalLog(LongSupplier clock) {
        this.clock = clock;
    }

    /** One WARN line for a refusal, if the window has room for it. */
    void refused(String deliveryId, String event, WebhookRejection rejection) {
        if (!admit()) {
            return;
        }
        log.warn("delivery {} event {}: refused {} {}: {}{}", printable(deliveryId), printable(event),
                rejection.status().value(), rejection.error(), rejection.logMessage(), suppressedNote());
    }

    /** One WARN line for a verified delivery answered 503 because the database could not store it. */
    void databaseUnavailable(String deliveryId, String event, RuntimeException cause) {
        if (!admit()) {
            return;
        }
        log.warn("delivery {} event {}: database unavailable, answered 503: {}{}", printable(deliveryId),
                printable(event), cause.toString(), suppressedNote());
    }

    /** At most {@value #MAX_VALUE_LENGTH} characters, anything outside printable ASCII as {@code ?}. */
    static String printable(String value) {
        if (value == null) {
            return null;
        }
        int length = Math.min(value.length(), MAX_VALUE_LENGTH);
        StringBuilder out = new StringBuilder(length + 3);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.length() > MAX_VALUE_LENGTH ? out.append("...").toString() : out.toString();
    }

    private boolean admit() {
        long now = clock.getAsLong();
        long start = window.get();
        if (start == Long.MIN_VALUE || now - start >= WINDOW_NANOS) {
            if (window.compareAndSet(start, now)) {
                written.set(0);
            }
        }
        if (written.incrementAndGet() <= LINES_PER_WINDOW) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    private String suppressedNote() {
        long dropped = suppressed.getAndSet(0);
        return dropped == 0 ? "" : " (" + dropped + " refusals not logged before this one)";
    }
}
