package dev.conveyor.bench;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the benchmarks measure is what a library user gets: Conveyor's side goes through the public API. */
class BenchArchitectureTest {
    private static final JavaClasses BENCH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.conveyor.bench");

    @Test
    void givenTheBenchmarks_thenTheyPublishThroughConveyorProducerNotTheProducerInternals() {
        assertTrue(BENCH.contain(ProducerBench.class), "the import saw the producer bench");
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.conveyor.adapters.kafka.producer..")
                .because("ProducerBench measures ConveyorProducer as a library user builds it")
                .check(BENCH);
    }
}
