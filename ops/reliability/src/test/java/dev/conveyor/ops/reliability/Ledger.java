package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.fixtures.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What happened to every input order: read the input topic, {@code orders-processed} and the DLQ once, and count by
 * {@code order_id}. Lost = in the input, in neither output; duplicate = in the outputs more than once. A dead letter
 * counts as "not lost", so a test whose input is all valid and whose downstream never fails also checks
 * {@link #deadLettered} is empty.
 */
final class Ledger {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, ConsumerRecord<byte[], byte[]>> inputById = new HashMap<>();
    final Map<String, Integer> seen = new HashMap<>();
    /** orders-processed in partition (then offset) order. */
    final List<ConsumerRecord<byte[], byte[]>> processed;
    /** Order ids in the DLQ, in DLQ order. */
    final List<String> deadLettered = new ArrayList<>();
    final int inputRecords;

    Ledger(OrdersFlow flow) {
        Topics topics = flow.topics();
        List<ConsumerRecord<byte[], byte[]>> input = topics.readAll(flow.orders());
        inputRecords = input.size();
        input.forEach(r -> inputById.put(orderId(r.value()), r));
        processed = new ArrayList<>(topics.readAll(flow.processed()));
        processed.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        processed.forEach(r -> seen.merge(orderId(r.value()), 1, Integer::sum));
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(flow.dlq())) {
            deadLettered.add(orderId(DeadLetterEnvelope.parse(r.value()).originalValue()));
        }
        deadLettered.forEach(id -> seen.merge(id, 1, Integer::sum));
    }

    Set<String> lost() {
        Set<String> missing = new HashSet<>(inputById.keySet());
        missing.removeAll(seen.keySet());
        return missing;
    }

    List<String> duplicates() {
        return seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /**
     * Duplicates a replay cannot explain, as {@code id at topic-partition@offset}. After a crash, a revocation
     * without commit or a lost membership, a new owner replays a partition from its committed offset: each map of
     * {@code replayedFrom} is one such fault (partition → committed offset at that moment). A duplicate is explained
     * when its input record is at or after the offset some fault gives for its partition.
     */
    List<String> duplicatesNotExplainedBy(List<Map<TopicPartition, Long>> replayedFrom) {
        List<String> unexplained = new ArrayList<>();
        for (String id : duplicates()) {
            ConsumerRecord<byte[], byte[]> input = inputById.get(id);
            TopicPartition tp = new TopicPartition(input.topic(), input.partition());
            if (replayedFrom.stream().noneMatch(from -> from.containsKey(tp) && input.offset() >= from.get(tp))) {
                unexplained.add(id + " at " + tp + "@" + input.offset());
            }
        }
        return unexplained;
    }

    /** Order ids by user, in the order each was FIRST processed (orders-processed partition order). */
    Map<String, List<String>> firstProcessingOrderByUser() {
        Map<String, LinkedHashMap<String, Boolean>> byUser = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : processed) {
            var node = tree(r.value());
            byUser.computeIfAbsent(node.get("user").asText(), u -> new LinkedHashMap<>())
                    .putIfAbsent(node.get("order_id").asText(), true);
        }
        Map<String, List<String>> result = new HashMap<>();
        byUser.forEach((user, ids) -> result.put(user, List.copyOf(ids.keySet())));
        return result;
    }

    static String orderId(byte[] json) {
        return tree(json).get("order_id").asText();
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one line every reliability test prints. */
    static void summary(String name, long messages, long lost, long duplicates, long startNanos, String extra) {
        System.out.printf("[conveyor] reliability %s: messages=%d lost=%d duplicates=%d time=%.1fs%s%n", name, messages,
                lost, duplicates, (System.nanoTime() - startNanos) / 1e9, extra.isEmpty() ? "" : " " + extra);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / (double) TimeUnit.SECONDS.toNanos(1);
    }
}
