package dev.forgesync.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The package borders of control-service, as sentences. */
class PackageBordersTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.forgesync.control");
    }

    @Test
    void theJobsKnowNoHttpAndNoPageOrApi() {
        noClasses().that().resideInAnyPackage("..control.replay..", "..control.retention..", "..control.recovery..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.springframework.web..",
                        "..control.ops..", "..control.web..")
                .check(classes);
    }

    @Test
    void requestsArePublishedThroughSyncRequestsNeverByAProducerOfItsOwn() {
        // Reading the broker (an AdminClient for consumer lag, say) is fine; sending is sync-requests' job.
        noClasses().should().dependOnClassesThat().resideInAPackage("org.apache.kafka.clients.producer..")
                .orShould().dependOnClassesThat().belongToAnyOf(KafkaTemplate.class, ProducerFactory.class)
                .check(classes);
    }
}
