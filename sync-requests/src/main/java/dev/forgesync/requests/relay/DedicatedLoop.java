package dev.forgesync.requests.relay;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A job run with a fixed delay on a thread of its own, started and stopped with the application context. Not Spring's
 * shared scheduler: there one thread runs every {@code @Scheduled} job in turn, so a long retention run would hold
 * the relay back (and a relay backlog the retention).
 */
public abstract class DedicatedLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DedicatedLoop.class);

    private final String threadName;
    private final Duration initialDelay;
    private final Duration delay;
    private volatile ScheduledExecutorService executor;

    /** The first run after {@code delay}, then every {@code delay}. */
    protected DedicatedLoop(String threadName, Duration delay) {
        this(threadName, delay, delay);
    }

    /** The first run after {@code initialDelay}, then every {@code delay}. */
    protected DedicatedLoop(String threadName, Duration initialDelay, Duration delay) {
        this.threadName = threadName;
        this.initialDelay = initialDelay;
        this.delay = delay;
    }

    /** One run; an exception is logged and the next run comes after the delay as usual. */
    protected abstract void run();

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::runGuarded, initialDelay.toMillis(), delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runGuarded() {
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("{} run failed, next run in {}: {}", threadName, delay, e.toString());
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            running.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
