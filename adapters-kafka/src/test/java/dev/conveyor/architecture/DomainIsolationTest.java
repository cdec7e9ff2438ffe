package dev.conveyor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The hexagon's centre stays pure: Maven keeps Kafka off the domain's compile path, this keeps it off for good
 * (a transitive dependency sneaking in would otherwise go unnoticed).
 */
class DomainIsolationTest {
    private static final JavaClasses DOMAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.conveyor.domain");

    @Test
    void givenTheDomain_thenItNeverReachesKafkaJacksonOrAnAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "kafka..", "com.fasterxml.jackson..", "io.micrometer..",
                        "io.github.resilience4j..", "dev.conveyor.adapters..", "dev.conveyor.app..")
                .because("domain depends on jakarta.validation and the JDK only")
                .check(DOMAIN);
    }

    @Test
    void givenTheDomain_thenItIsNotEmpty() {
        // Guards the rule above against passing vacuously if the package is ever renamed.
        org.junit.jupiter.api.Assertions.assertTrue(DOMAIN.size() > 10, () -> "only " + DOMAIN.size());
    }
}
