package dev.forgesync.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The package borders, as sentences. */
@AnalyzeClasses(packages = "dev.forgesync.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyMirrorTouchesJGit = noClasses()
            .that().resideOutsideOfPackage("dev.forgesync.worker.mirror..")
            .should().dependOnClassesThat().resideInAPackage("org.eclipse.jgit..")
            .as("only mirror touches JGit");

    @ArchTest
    static final ArchRule onlyOneDevUsesAnHttpClient = noClasses()
            .that().resideOutsideOfPackage("dev.forgesync.worker.onedev..")
            .should().dependOnClassesThat().resideInAPackage("java.net.http..")
            .as("only onedev holds HTTP client types");

    @ArchTest
    static final ArchRule kafkaStaysInTheListener = noClasses()
            .that().resideOutsideOfPackage("dev.forgesync.worker.listener..")
            .and().resideOutsideOfPackage("dev.forgesync.worker.config..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
            .as("Kafka types stay in listener");
}
