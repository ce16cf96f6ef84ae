package dev.forgesync.requests.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class DedicatedLoopTest {

    @Test
    void firstRunComesAfterTheInitialDelayNotAfterTheInterval() {
        Counting loop = new Counting(Duration.ofMillis(50), Duration.ofHours(1), false);
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loop.runs.get()).isEqualTo(1));
            assertThat(loop.isRunning()).isTrue();
        } finally {
            loop.stop();
        }
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void aFailedRunIsFollowedByTheNextOne() {
        Counting loop = new Counting(Duration.ofMillis(10), Duration.ofMillis(10), true);
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loop.runs.get()).isGreaterThan(2));
        } finally {
            loop.stop();
        }
    }

    private static final class Counting extends DedicatedLoop {
        final AtomicInteger runs = new AtomicInteger();
        private final boolean failing;

        Counting(Duration initialDelay, Duration delay, boolean failing) {
            super("counting", initialDelay, delay);
            this.failing = failing;
        }

        @Override
        protected void run() {
            runs.incrementAndGet();
            if (failing) {
                throw new IllegalStateException("this run fails");
            }
        }
    }
}
