package dev.forgesync.worker;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.ConfigurationReference;

/** Keeps docs/configuration/sync-worker.md equal to what the configuration records and application.yml say. */
class ConfigurationReferenceTest {

    @Test
    void theCommittedConfigurationReferenceMatchesTheCode() {
        String rendered = ConfigurationReference.render("sync-worker", Path.of("").toAbsolutePath());
        ConfigurationReference.assertUpToDate(Path.of("../docs/configuration/sync-worker.md").toAbsolutePath().normalize(), rendered);
    }
}
