package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefusalLogTest {

    @Test
    void headerValuesAreCutAndCannotForgeLines() {
        assertThat(RefusalLog.printable("push\r\n12:00:00 INFO forged")).isEqualTo("push??12:00:00 INFO forged");
        assertThat(RefusalLog.printable("a".repeat(7_000))).isEqualTo("a".repeat(64) + "...");
        assertThat(RefusalLog.printable(null)).isNull();
    }
}
