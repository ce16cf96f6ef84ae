package dev.forgesync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

/**
 * The packaged ingest-service jar (an integration test: failsafe runs after {@code package}) holds the webhook path
 * and nothing of the operator's side: no ops API, replay, retention or recovery class, and no control-service.
 */
class IngestJarIT {

    @Test
    void theJarHoldsNoOpsReplayRetentionOrControlServiceClasses() throws IOException {
        List<String> entries;
        try (JarFile jar = new JarFile(bootJar().toFile())) {
            entries = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
        }

        assertThat(entries).as("the webhook path is there").contains(
                "BOOT-INF/classes/dev/forgesync/ingest/webhook/WebhookServlet.class");
        assertThat(entries).filteredOn(name -> name.startsWith("BOOT-INF/lib/"))
                .as("the shared module is a library").anyMatch(name -> name.contains("sync-requests"))
                .noneMatch(name -> name.contains("control-service"));
        assertThat(entries).noneMatch(name -> name.matches(
                "BOOT-INF/classes/dev/forgesync/(ingest/(ops|replay|retention|recovery)|control)/.*"));
        assertThat(entries).noneMatch(name -> name.matches("BOOT-INF/classes/.*/(Ops|Replay|Retention|Recovery)[A-Za-z]*\\.class"));
    }

    private static Path bootJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("ingest-service-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ingest-service jar in target/: run with package/verify"));
        }
    }
}
