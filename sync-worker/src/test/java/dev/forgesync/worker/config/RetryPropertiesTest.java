package dev.forgesync.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPropertiesTest {

    @Test
    void delaysGrowByTheMultiplierUpToTheMaximum() {
        RetryProperties p = new RetryProperties(4, Duration.ofSeconds(30), 4.0, Duration.ofMinutes(5), 4, (short) 1,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMinutes(5));
    }
}
