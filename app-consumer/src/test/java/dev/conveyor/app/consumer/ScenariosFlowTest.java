package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.message.ScenarioStatus;
import dev.conveyor.domain.port.in.ExecuteScenarioUseCase;
import dev.conveyor.fixtures.ports.InMemoryScenarioResults;
import dev.conveyor.fixtures.ports.Published;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenariosFlowTest {
    private static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private static int bytes(String response) {
        return Integer.parseInt(response.substring(0, response.indexOf(' ')));
    }

    @Test
    void givenFiftyThousandHugeExponents_whenRunInA128MiBHeap_thenTheRequestIsRejectedWithoutRunningOutOfMemory()
            throws Exception {
        // The request: ~350 KB whose echo would be 50,000 numbers of 10,000 digits (500 MB) written plain.
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ScenarioFlood.class.getName(), "1e9999",
                "50000", Integer.toString(MAX_MESSAGE_BYTES)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "still running: " + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("rejected: limit exceeded: parameters.n[0]: number 1E+9999 is out of range"),
                output);
    }

    @Test
    void givenALegacyRollupWithAHugeExponent_whenDecoded_thenRejectedAsALimitNotAsAMissingScenario()
            throws Exception {
        List<String> sent = ScenarioFlood.run(("{\"organizationId\":\"org-1\",\"week_start\":\"2024-01-05\","
                + "\"weekly\":[{\"Volume\":1e9999}]}").getBytes(StandardCharsets.UTF_8), MAX_MESSAGE_BYTES);
        assertEquals(List.of("rejected: limit exceeded: legacy request: number 1E+9999 is out of range: its scale "
                + "must be within ±400 (was -9999)"), sent);
    }

    @Test
    void givenAnEchoWhoseResponseWouldBe20MB_whenRun_thenOneFailedResponseNamingTheLimitAndWithinIt()
            throws Exception {
        // 1e400 is within the decode limits, but 50,000 of them are 20 MB written plain.
        List<String> sent = ScenarioFlood.run(ScenarioFlood.request("1e400", 50_000), MAX_MESSAGE_BYTES);
        assertEquals(1, sent.size(), sent.toString());
        assertTrue(bytes(sent.get(0)) <= MAX_MESSAGE_BYTES, sent.get(0));
        assertTrue(sent.get(0).contains("\"status\":\"failed\""), sent.get(0));
        assertTrue(sent.get(0).contains("\"error\":\"response exceeds MAX_MESSAGE_BYTES=1048576 ("), sent.get(0));
    }

    @Test
    void givenAWeeklyRollupWithAWeekOutOfRange_whenRun_thenOneFailedResponseWithTheReason() throws Exception {
        String record = "{\"Week\":\"-999999999-01-01\",\"Contact Type\":\"Voice\",\"Staff Type\":\"Agent\","
                + "\"Call Center\":\"North\",\"Volume\":1,\"Abandons\":0,\"Top Line Agents (FTE)\":1,"
                + "\"Handled Threshold\":1,\"Total Queue Time\":1,\"Base AHT\":1,\"Service Level (X Seconds)\":1,"
                + "\"Acceptable Wait Time\":1}";
        List<String> sent = ScenarioFlood.run(ScenarioFlood.request("weekly-rollup", "{\"weekly\":[" + record
                + "]}"), MAX_MESSAGE_BYTES);
        assertEquals(1, sent.size(), sent.toString());
        assertTrue(sent.get(0).contains("\"status\":\"failed\""), sent.get(0));
        assertTrue(sent.get(0).contains("\"error\":\"weekly[0].Week=\\\"-999999999-01-01\\\": must be a date "
                + "between 2000-01-01 and 2100-12-31\""), sent.get(0));
    }

    @Test
    void givenAResultWithANumberJacksonWillNotWrite_whenRun_thenOneFailedResponseNotARetry() throws Exception {
        ExecuteScenarioUseCase useCase = request -> ScenarioResult.succeeded(request.requestId(),
                request.scenario(), Map.of("n", new BigDecimal("1e10000")), Instant.EPOCH, Instant.EPOCH);
        List<String> sent = ScenarioFlood.run(ScenarioFlood.request("echo", "{}"), MAX_MESSAGE_BYTES, useCase);
        assertEquals(1, sent.size(), sent.toString());
        assertTrue(sent.get(0).contains("\"status\":\"failed\""), sent.get(0));
        assertTrue(sent.get(0).contains("\"error\":\"response cannot be written: cannot write ScenarioResult as "
                + "JSON: "), sent.get(0));
    }

    @Test
    void givenAnAnswerThePortRefusesAsTooLarge_whenHandled_thenAFailedAnswerWithThePortsReasonIsPublishedInstead()
            throws Exception {
        InMemoryScenarioResults answers = new InMemoryScenarioResults(2000);
        ExecuteScenarioUseCase useCase = request -> ScenarioResult.succeeded(request.requestId(),
                request.scenario(), Map.of("echo", "x".repeat(5000)), Instant.EPOCH, Instant.EPOCH);
        ScenariosFlow flow = new ScenariosFlow(useCase, request -> false, Clock.systemUTC(),
                in -> answers.answering(in.rawKey()));

        flow.handler().handle(List.of(new Inbound<>(new ScenarioCall(new ScenarioRequest("echo", Map.of(), null,
                null), false), null, "requests", 2, 9L, 1, null, record -> {
                    throw new AssertionError("the flow writes through its port, not the outbox");
                })));

        List<Published<ScenarioResult>> published = answers.published();
        assertEquals(1, published.size(), published.toString());
        ScenarioResult answer = published.get(0).result();
        assertEquals(ScenarioStatus.FAILED, answer.status());
        assertEquals("requests-2-9", answer.requestId(), "a request without an id is answered by its position");
        assertTrue(answer.error().startsWith("response exceeds 1988 bytes (in-memory fake: "), answer.error());
    }
}
