package dev.conveyor.ops.inspect;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches input records with output records. Outputs count by the id field of their JSON value; a DLQ envelope by
 * the id inside its {@code original_value}, or, when that is not JSON with an id (binary, truncated, id-less), by
 * its original partition and offset in the input topic. Every output must be added before the first input.
 */
public final class Accounting {
    static final int MISSING_SHOWN = 20;
    static final int DUPLICATES_SHOWN = 10;

    private final String input;
    private final String idField;
    private final Map<String, Integer> outputsById = new HashMap<>();
    private final Map<String, Integer> deadLettersByPosition = new HashMap<>();
    private final Map<String, Integer> inputsById = new HashMap<>();
    private final Map<String, Long> recordsPerTopic = new LinkedHashMap<>();
    private final List<String> missingShown = new ArrayList<>();
    private long inputs;
    private long accounted;
    private long missing;
    private long withoutId;
    private long unreadableOutputs;
    private long otherTopicDeadLetters;

    Accounting(String input, String idField) {
        this.input = input;
        this.idField = idField;
    }

    /** Matches whole topics already in memory (the demo's small topics); {@code verify} streams instead. */
    public static VerifyReport match(String input, String idField, List<ConsumerRecord<byte[], byte[]>> inputs,
                                     List<ConsumerRecord<byte[], byte[]>> outputs) {
        Accounting accounting = new Accounting(input, idField);
        outputs.forEach(accounting::output);
        inputs.forEach(accounting::input);
        return accounting.report();
    }

    void output(ConsumerRecord<byte[], byte[]> record) {
        if (inputs > 0) {
            throw new IllegalStateException("every output must be added before the first input");
        }
        recordsPerTopic.merge(record.topic(), 1L, Long::sum);
        ParsedDeadLetter letter = envelopeOrNull(record.value());
        if (letter == null) {
            String id = Ids.of(record.value(), idField);
            if (id == null) {
                unreadableOutputs++;
            } else {
                outputsById.merge(id, 1, Integer::sum);
            }
        } else if (!letter.originalTopic().equals(input)) {
            otherTopicDeadLetters++;
        } else {
            String id = Ids.of(letter.originalValue(), idField);
            if (id == null) {
                deadLettersByPosition.merge(position(letter.originalPartition(), letter.originalOffset()), 1,
                        Integer::sum);
            } else {
                outputsById.merge(id, 1, Integer::sum);
            }
        }
    }

    void input(ConsumerRecord<byte[], byte[]> record) {
        recordsPerTopic.merge(record.topic(), 1L, Long::sum);
        inputs++;
        String id = Ids.of(record.value(), idField);
        if (id == null) {
            withoutId++;
        } else {
            inputsById.merge(id, 1, Integer::sum);
        }
        String position = position(record.partition(), record.offset());
        if (id != null && outputsById.containsKey(id) || deadLettersByPosition.containsKey(position)) {
            accounted++;
        } else {
            missing++;
            if (missingShown.size() < MISSING_SHOWN) {
                missingShown.add(id != null ? id : position);
            }
        }
    }

    VerifyReport report() {
        Map<String, Integer> duplicates = new HashMap<>();
        long unmatched = 0;
        for (Map.Entry<String, Integer> output : outputsById.entrySet()) {
            Integer in = inputsById.get(output.getKey());
            if (in == null) {
                unmatched += output.getValue();
            } else if (output.getValue() > in) {
                duplicates.put(output.getKey(), output.getValue());
            }
        }
        deadLettersByPosition.forEach((position, n) -> {
            if (n > 1) {
                duplicates.put(position, n);
            }
        });
        List<String> examples = duplicates.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .limit(DUPLICATES_SHOWN).map(e -> e.getKey() + " x" + e.getValue()).toList();
        return new VerifyReport(recordsPerTopic, inputs, accounted, missing, missingShown, duplicates.size(),
                examples, withoutId, unmatched, unreadableOutputs, otherTopicDeadLetters);
    }

    private String position(int partition, long offset) {
        return input + "-" + partition + "@" + offset;
    }

    private static ParsedDeadLetter envelopeOrNull(byte[] value) {
        try {
            return DeadLetterEnvelope.parse(value);
        } catch (IllegalArgumentException e) {
            return null; // a regular output record
        }
    }
}
