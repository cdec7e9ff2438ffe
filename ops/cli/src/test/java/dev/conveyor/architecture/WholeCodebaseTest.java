package dev.conveyor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParentCommand;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules over every Conveyor module this one sees (domain, config, bootstrap, both adapters, both binaries, the local
 * broker, the ops commands): no package reaches itself through others, the consumer engine stays a library (no HTTP
 * server, no process bootstrap in it), and sub-commands are given what they need (picocli factory) instead of
 * reaching back into their parent command.
 */
class WholeCodebaseTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.conveyor");

    @Test
    void givenEveryConveyorPackage_thenNoneDependsOnItselfThroughOthers() {
        slices().matching("dev.conveyor.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void givenTheConsumerEngine_thenItDependsOnNeitherHttpNorTheProcessBootstrap() {
        noClasses().that().resideInAPackage("dev.conveyor.adapters.kafka.consumer..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.conveyor.adapters.http..",
                        "dev.conveyor.bootstrap..")
                .because("the engine reports health as a value and is stopped by its caller; serving HTTP and "
                        + "handling signals belong to the binary that embeds it")
                .check(MAIN);
    }

    @Test
    void givenTheOpsCommands_thenNoneReachesBackIntoItsParentCommand() {
        noFields().should().beAnnotatedWith(ParentCommand.class)
                .because("a sub-command takes the Environment it needs in its constructor (OpsFactory)")
                .check(MAIN);
    }

    @Test
    void givenTheConsumerFlows_thenTheirResultsLeaveThroughTheDomainsOutPortsNotStraightIntoTheOutbox() {
        noClasses().that().resideInAPackage("dev.conveyor.app.consumer..")
                .should().callMethod(dev.conveyor.adapters.kafka.consumer.Inbound.class, "outbox")
                .because("a flow publishes through PublishOrderResultPort, PublishScenarioResultPort or "
                        + "PublishForwardEventPort; the Kafka adapters in adapters.kafka.output use the outbox")
                .check(MAIN);
    }

    @Test
    void givenTheProducerBinary_thenItPublishesThroughThePublicConveyorProducerOnly() {
        noClasses().that().resideInAPackage("dev.conveyor.app.producer..")
                .should().dependOnClassesThat(resideInAPackage("dev.conveyor.adapters.kafka.producer..")
                        .and(not(simpleName("ProducerSettings"))))
                .because("the binary is a thin process around a ConveyorProducer built from its environment, like "
                        + "the consumer binary around a ConveyorConsumer; pools, timers and metrics are the API's "
                        + "(ProducerSettings only validates and reports the environment at startup)")
                .check(MAIN);
    }

    @Test
    void givenTheImport_thenItSawEveryModule() {
        // Guards the rules above against passing vacuously if a module or package is renamed.
        for (String name : new String[] {"dev.conveyor.domain.order.ProcessOrder",
                "dev.conveyor.config.ConfigReader", "dev.conveyor.bootstrap.Signals",
                "dev.conveyor.adapters.http.HealthServer",
                "dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine", "dev.conveyor.app.consumer.ConsumerApp",
                "dev.conveyor.app.producer.Main", "dev.conveyor.localkafka.LocalKafka",
                "dev.conveyor.ops.ConveyorCommand", "dev.conveyor.ops.dlq.DlqReplayCommand",
                "dev.conveyor.ops.demo.DemoCommand", "dev.conveyor.ops.cluster.ClusterOptions"}) {
            assertTrue(MAIN.contain(name), name);
        }
    }
}
