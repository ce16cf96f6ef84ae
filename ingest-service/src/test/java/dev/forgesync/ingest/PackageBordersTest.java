package dev.forgesync.ingest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package borders of ingest-service, as sentences. ingest is thin: the webhook endpoint and its signature
 * ({@code webhook}), the events table ({@code github}), the group-commit store ({@code delivery}); publishing, the
 * outbox relay and the re-arm rule come from sync-requests, and the operator's side is control-service.
 */
class PackageBordersTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.forgesync.ingest");
    }

    @Test
    void ingestHoldsOnlyTheWebhookPathAndNothingOfTheOperatorsSide() {
        classes().should().resideInAnyPackage("dev.forgesync.ingest", "dev.forgesync.ingest.webhook",
                        "dev.forgesync.ingest.github", "dev.forgesync.ingest.delivery")
                .check(classes);
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.forgesync.control..")
                .check(classes);
    }

    @Test
    void nothingInIngestTouchesKafkaItPublishesThroughSyncRequests() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.springframework.kafka..")
                .check(classes);
    }

    @Test
    void githubInterpretsPayloadsWithoutIo() {
        noClasses().that().resideInAPackage("..ingest.github..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "java.sql..", "..ingest.delivery..",
                        "..ingest.webhook..", "dev.forgesync.requests..")
                .check(classes);
    }

    @Test
    void onlyTheHttpFacingPackagesKnowHttp() {
        noClasses().that().resideOutsideOfPackages("..ingest.webhook..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.springframework.web..")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheWebhookPackage() {
        classes().that().resideInAPackage("..ingest.webhook..")
                .should().onlyHaveDependentClassesThat().resideInAPackage("..ingest.webhook..")
                .check(classes);
    }
}
