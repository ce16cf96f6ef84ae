package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * infra/bin/common.sh as a plain user on a machine without sudo (Debian's default): {@code as_postgres}, which every
 * psql of the scripts goes through, runs the command as that user (psql connects over TCP as the superuser role, so
 * pg_hba decides) instead of failing with {@code sudo: command not found}, which stopped {@code ./forgesync start}
 * for such a user before. Runs the script as {@code nobody}, so it needs root to switch users.
 */
class PlainUserTest {

    @Test
    void asPostgresRunsTheCommandAsThePlainUserWhereItCannotBecomePostgres() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a script as nobody");
        Path dir = Files.createTempDirectory("forgesync-plain-user");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(Path.of("bin/common.sh"), dir.resolve("common.sh"));
            Files.writeString(dir.resolve("probe.sh"), "source \"$(dirname \"$0\")/common.sh\"\nas_postgres id -un\n");
            Process process = new ProcessBuilder(List.of("runuser", "-u", "nobody", "--", "env", "PATH=/usr/bin:/bin",
                    "bash", dir.resolve("probe.sh").toString())).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(output.strip()).as("output of as_postgres id -un as nobody").isEqualTo("nobody");
            assertThat(process.exitValue()).isZero();
        } finally {
            for (String name : List.of("probe.sh", "common.sh")) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }
}
