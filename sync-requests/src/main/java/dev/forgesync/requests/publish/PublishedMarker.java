package dev.forgesync.requests.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks acknowledged rows processed in batches, on its own thread: never on the producer's network thread (a
 * database call there would stall every send), and one UPDATE per batch instead of one commit per webhook.
 * A mark lost to a crash only means the relay publishes that request again (at-least-once; the worker tolerates it).
 */
final class PublishedMarker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PublishedMarker.class);
    private static final int BATCH = 500;

    private final LinkedBlockingQueue<Long> acked = new LinkedBlockingQueue<>();
    private final PublishedEvents published;
    private final Consumer<List<Long>> flushed;
    private final Thread thread;
    private volatile boolean running = true;

    /** {@code flushed} is told each batch once its UPDATE ran (or failed). */
    PublishedMarker(PublishedEvents published, Consumer<List<Long>> flushed) {
        this.published = published;
        this.flushed = flushed;
        this.thread = new Thread(this::run, "published-marker");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void acknowledged(long eventRowId) {
        acked.add(eventRowId);
    }

    private void run() {
        while (running || !acked.isEmpty()) {
            try {
                Long first = acked.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    flush(first);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void flush(long first) {
        List<Long> batch = new ArrayList<>(BATCH);
        batch.add(first);
        acked.drainTo(batch, BATCH - 1);
        try {
            published.markPublished(batch);
        } catch (RuntimeException e) {
            log.warn("{} published event rows not marked processed, the relay will publish them again: {}",
                    batch.size(), e.toString());
        } finally {
            flushed.accept(batch);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
