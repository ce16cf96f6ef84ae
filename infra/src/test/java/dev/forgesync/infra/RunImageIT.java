package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * infra/images/run-image.sh stopped with SIGTERM. It bind-mounts the host's /dev into the image's root file system;
 * here a scratch folder stands in for /dev, inside a private mount and PID namespace
 * ({@code scenarios/run-image-sigterm.sh}), while another process still holds a file in the bind mount.
 */
class RunImageIT {

    @TempDir
    static Path work;

    @BeforeAll
    static void stopWithSigtermWhileTheDevMountIsBusy() throws IOException, InterruptedException {
        assumeThat(System.getProperty("user.name")).as("mount and chroot need root").isEqualTo("root");
        assumeThat(Path.of("/usr/bin/unshare")).as("util-linux unshare").isExecutable();
        assumeThat(namespacesAllowed()).as("unshare may create mount and PID namespaces here").isTrue();

        Script.scenario("run-image-sigterm.sh").under("unshare", "-mpf", "--mount-proc")
                .args(Path.of("images/run-image.sh").toAbsolutePath().toString(), work.toString())
                .runOk();
    }

    private static boolean namespacesAllowed() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder("unshare", "-mpf", "--mount-proc", "true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return probe.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    @Test
    void sigtermNeverDeletesThroughTheDevBindMount() {
        assertThat(work.resolve("scratch/device-node")).hasContent("precious");
    }

    @Test
    void sigtermWaitsForTheServiceToShutDownBeforeCleaningUp() {
        assertThat(work.resolve("scratch/stopped")).as("written by the service 1 s after SIGTERM").hasContent("done");
    }

    @Test
    void theUnpackedRootFileSystemIsStillRemoved() throws IOException {
        try (var left = Files.list(work.resolve("tmp"))) {
            assertThat(left).isEmpty();
        }
    }
}
