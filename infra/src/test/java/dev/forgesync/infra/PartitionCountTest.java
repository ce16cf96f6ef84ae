package dev.forgesync.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.forgesync.schema.Topics;

/**
 * The sync-requests topic's partition count has one home, {@link Topics#SYNC_REQUESTS_PARTITIONS}: the Java code
 * reads it; the copies that cannot (shell, Compose, the example environment and the tables that document them) must
 * say the same number, and the services' application.yml must not set one of their own.
 */
class PartitionCountTest {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern DEFAULT = Pattern.compile("FORGESYNC_SYNC_PARTITIONS(?::-|=)(\\d+)");
    private static final Pattern DOCUMENTED = Pattern.compile("`FORGESYNC_(?:SYNC|PUBLISH)_PARTITIONS` \\| `(\\d+)`");

    @Test
    void everyCopyOfTheDefaultSaysTheConstant() throws IOException {
        for (String file : List.of("docker-compose.yml", ".env.example", "infra/bin/kafka.sh", "infra/bin/kafka-topics.sh")) {
            assertThat(numbers(file, DEFAULT)).as(file).isNotEmpty()
                    .allMatch(n -> n == Topics.SYNC_REQUESTS_PARTITIONS);
        }
    }

    @Test
    void theReferenceTablesSayTheConstant() throws IOException {
        for (String file : List.of("infra/README.md", "ingest-service/README.md")) {
            assertThat(numbers(file, DOCUMENTED)).as(file).isNotEmpty()
                    .allMatch(n -> n == Topics.SYNC_REQUESTS_PARTITIONS);
        }
    }

    @Test
    void theServicesTakeThePublishDefaultFromTheConstant() throws IOException {
        for (String service : List.of("ingest-service", "control-service")) {
            String yaml = Files.readString(PROJECT.resolve(service + "/src/main/resources/application.yml"));
            assertThat(yaml).as(service).doesNotContainPattern("(?m)^\\s+partitions:");
        }
    }

    private static List<Integer> numbers(String file, Pattern pattern) throws IOException {
        Matcher m = pattern.matcher(Files.readString(PROJECT.resolve(file)));
        List<Integer> found = new ArrayList<>();
        while (m.find()) {
            found.add(Integer.parseInt(m.group(1)));
        }
        return found;
    }
}
