package dev.forgesync.ingest;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.ConfigurationReference;

/** Keeps docs/configuration/ingest-service.md equal to what the configuration records and application.yml say. */
class ConfigurationReferenceTest {

    @Test
    void theCommittedConfigurationReferenceMatchesTheCode() {
        Path module = Path.of("").toAbsolutePath();
        String rendered = ConfigurationReference.render("ingest-service", module, module.resolveSibling("sync-requests"));
        ConfigurationReference.assertUpToDate(Path.of("../docs/configuration/ingest-service.md").toAbsolutePath().normalize(), rendered);
    }
}
