package dev.conveyor.app.consumer;

import dev.conveyor.domain.scenario.builtin.RunAnalysis;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.port.in.ExecuteScenarioUseCase;
import dev.conveyor.domain.scenario.ExecuteScenario;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile request run through the scenarios flow as the consumer runs it: decode, the {@code echo}
 * scenario, encode. Run as a main in a small-heap JVM by {@link ScenariosFlowTest}; prints what became of it.
 */
final class ScenarioFlood {
    private ScenarioFlood() {
    }

    /** A request for {@code scenario} with these parameters (JSON). */
    static byte[] request(String scenario, String parameters) {
        return ("{\"scenario\":\"" + scenario + "\",\"request_id\":\"r-1\",\"parameters\":" + parameters + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A request for {@code echo} whose parameters hold {@code count} copies of {@code number}. */
    static byte[] request(String number, int count) {
        StringBuilder json = new StringBuilder("{\"scenario\":\"echo\",\"request_id\":\"flood\",\"parameters\":{\"n\":[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append(number);
        }
        return json.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What the flow made of {@code request} with the built-in scenarios: "rejected: ..." or the responses sent. */
    static List<String> run(byte[] request, int maxMessageBytes) throws Exception {
        return run(request, maxMessageBytes, new ExecuteScenario(BuiltInScenarios.registry(0,
                RunAnalysis.MAX_DURATION_MS), ScenarioFlood::direct, Clock.systemUTC()));
    }

    /** What the flow made of {@code request}: "rejected: ..." or "N bytes: <first 2000 chars>" per response sent. */
    static List<String> run(byte[] request, int maxMessageBytes, ExecuteScenarioUseCase useCase) throws Exception {
        SchemaValidator validator = new SchemaValidator();
        DecodeResult<ScenarioCall> decoded = new ScenarioCallDecoder(validator).decode(request);
        if (decoded instanceof DecodeResult.Rejected<ScenarioCall> rejected) {
            return List.of("rejected: " + rejected.failure().message());
        }
        ScenariosFlow flow = new ScenariosFlow(useCase, scenarioRequest -> false, Clock.systemUTC(), validator,
                "responses", maxMessageBytes);
        List<String> sent = new ArrayList<>();
        ScenarioCall call = ((DecodeResult.Decoded<ScenarioCall>) decoded).message();
        flow.handler().handle(List.of(new Inbound<>(call, null, "requests", 0, 7L, 1, null,
                (ProducerRecord<byte[], byte[]> record) -> sent.add(record.value().length + " bytes: "
                        + new String(record.value(), 0, Math.min(record.value().length, 2000),
                        StandardCharsets.UTF_8)))));
        return sent;
    }

    static <V> V direct(java.util.concurrent.Callable<V> work) throws Exception {
        return work.call();
    }

    public static void main(String[] args) throws Exception {
        byte[] request = request(args[0], Integer.parseInt(args[1]));
        for (String line : run(request, Integer.parseInt(args[2]))) {
            System.out.println(line);
        }
    }
}
