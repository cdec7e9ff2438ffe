package dev.conveyor.app.producer;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

import dev.conveyor.domain.message.ScenarioRequest;

/**
 * Generated scenario requests: {@code count} requests for {@code scenario} (default {@code run-analysis}) with
 * {@code durationMs} = {@code taskMs}, {@code analysisType} alternating quick/full and {@code threshold} 10. Request
 * ids are left out: the publisher assigns them.
 */
final class ScenarioSamples implements Iterator<Input<ScenarioRequest>> {
    private final long count;
    private final String scenario;
    private final long taskMs;
    private final Clock clock;
    private long produced;

    ScenarioSamples(long count, String scenario, long taskMs, Clock clock) {
        this.count = count;
        this.scenario = scenario;
        this.taskMs = taskMs;
        this.clock = clock;
    }

    @Override
    public boolean hasNext() {
        return produced < count;
    }

    @Override
    public Input<ScenarioRequest> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        produced++;
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("durationMs", taskMs);
        parameters.put("analysisType", produced % 2 == 0 ? "full" : "quick");
        parameters.put("threshold", 10);
        return Input.of("sample", produced,
                new ScenarioRequest(scenario, parameters, clock.instant().getEpochSecond(), null));
    }
}
