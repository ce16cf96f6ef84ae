package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** infra/bin/common.sh's pid files record the process's start time beside its PID ({@code scenarios/stop-pid.sh}). */
class PidFilesTest {

    @TempDir
    Path work;

    @Test
    void stopPidNeverKillsAProcessThatMerelyReusedThePid() {
        assertThat(run()).contains("stranger: running", "stale pid file: removed").doesNotContain("stranger: killed");
    }

    @Test
    void stopPidStopsTheProcessItRecorded() {
        assertThat(run()).contains("own: alive", "own: stopped", "own pid file: removed");
    }

    private String run() {
        return Script.scenario("stop-pid.sh").args(Path.of("bin/common.sh").toAbsolutePath().toString(), work.toString())
                .env("FORGESYNC_STATE_DIR", work.resolve("state").toString())
                .runOk().stdout();
    }
}
