package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.domain.port.out.CpuExecutor;
import dev.conveyor.domain.scenario.ExecuteScenario;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.ConveyorConsumerBuilder;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Conveyor's three built-in flows as {@link ConveyorConsumer} builders, chosen by {@code CONVEYOR_FLOW}: what the
 * consumer binary runs, and what the demo and the benchmarks embed. Each is an ordinary user of the public API.
 */
public final class BuiltInFlows {
    private BuiltInFlows() {
    }

    /**
     * The flow {@code config} names, its decoder and handler set, every other option read from {@code variables} (the
     * same the config was loaded from). Add a meter registry, build, start.
     */
    public static ConveyorConsumerBuilder<?> builder(ConsumerAppConfig config, Map<String, String> variables) {
        SchemaValidator validator = new SchemaValidator();
        ConveyorConsumerBuilder<?> builder = switch (config.flow()) {
            case "scenarios" -> {
                var registry = BuiltInScenarios.registry(config.scenarioTaskMs(), config.runAnalysisMaxMs());
                ScenariosFlow flow = new ScenariosFlow(new ExecuteScenario(registry, INLINE_ON_CPU_POOL,
                        Clock.systemUTC()), request -> registry.cpuBound(request.scenario()), Clock.systemUTC(),
                        validator, config.responseTopic(), config.consumer().maxMessageBytes());
                yield ConveyorConsumer.builder(new ScenarioCallDecoder(validator)).engineHandler(flow.handler());
            }
            case "forward" -> {
                ForwardFlow forward = new ForwardFlow(validator, config.responseTopic(), config.maxMessageAge(),
                        Clock.systemUTC());
                yield ConveyorConsumer.builder(forward.decoder()).engineHandler(forward.handler());
            }
            default -> ConveyorConsumer.builder(OrdersFlow.decoder(validator))
                    .engineHandler(OrdersFlow.handler(config, validator));
        };
        // The flow's default topic and group (e.g. orders, conveyor-orders) as the config resolved them.
        return builder.environment(variables).topics(config.consumer().topics().toArray(String[]::new))
                .group(config.consumer().groupId()).name("conveyor-" + config.flow());
    }

    /**
     * CPU-bound scenarios already run on the consumer's CPU pool: the flow's {@code cpuBound} test is the registry's
     * own, so the engine moved them there. Work that arrives elsewhere (a registry that disagrees with itself) runs
     * where it is rather than blocking a second thread on it.
     */
    private static final CpuExecutor INLINE_ON_CPU_POOL = new CpuExecutor() {
        @Override
        public <V> V run(Callable<V> work) throws Exception {
            if (!Workers.onCpuPool()) {
                org.slf4j.LoggerFactory.getLogger(BuiltInFlows.class)
                        .debug("CPU-bound work outside the CPU pool; running it in place");
            }
            return work.call();
        }
    };
}
