package dev.conveyor.adapters.kafka.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conveyor.adapters.kafka.consumer.OperatorPauses;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Commands as the listener reads them, hostile ones included (no broker: {@code handle} is called directly). */
class CommandListenerTest {
    private final OperatorPauses pauses = new OperatorPauses();
    private final AtomicInteger applied = new AtomicInteger();
    // Nothing listens on port 1: the reading thread only retries; handle() is what is tested.
    private final CommandListener listener = CommandListener.start("commands", "me", Set.of("orders"), pauses,
            applied::incrementAndGet, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1"));

    @AfterEach
    void close() {
        listener.close();
    }

    @Test
    void givenCommandsForThisInstance_whenHandled_thenPartitionsArePausedAndResumed() {
        handle("{\"id\":\"a\",\"target\":\"me\",\"action\":\"pause\",\"topic\":\"orders\",\"partition\":2}");
        handle("{\"id\":\"b\",\"target\":\"*\",\"action\":\"pause\",\"topic\":\"orders\",\"partition\":0}");
        assertEquals(List.of("orders-0", "orders-2"), pauses.names());
        assertEquals("paused orders-0", listener.lastCommand().path("result").asText());
        handle("{\"id\":\"c\",\"target\":\"me\",\"action\":\"resume\",\"topic\":\"orders\",\"partition\":2}");
        assertEquals(List.of("orders-0"), pauses.names());
        handle("{\"id\":\"d\",\"target\":\"me\",\"action\":\"resume_all\"}");
        assertTrue(pauses.names().isEmpty());
        assertEquals("resumed 1 partitions", listener.lastCommand().path("result").asText());
        assertEquals(4, applied.get());
    }

    @Test
    void givenHostileOrForeignCommands_whenHandled_thenNothingChangesAndNothingThrows() {
        handle("{\"target\":\"someone-else\",\"action\":\"pause\",\"topic\":\"orders\",\"partition\":1}");
        handle("not json at all");
        handle("[1,2,3]");
        handle("{\"target\":\"me\",\"action\":\"pause\",\"topic\":\"orders\",\"partition\":" + "9".repeat(5000) + "}");
        assertNull(listener.lastCommand(), "foreign, unreadable and oversized commands are not even refusals");
        for (String partition : List.of("-1", "100001", "1.5", "\"2\"", "null", "9999999999")) {
            handle("{\"target\":\"me\",\"action\":\"pause\",\"topic\":\"orders\",\"partition\":" + partition + "}");
            assertTrue(listener.lastCommand().path("result").asText().startsWith("refused: partition"), partition);
        }
        handle("{\"target\":\"me\",\"action\":\"pause\",\"topic\":\"__consumer_offsets\",\"partition\":0}");
        assertTrue(listener.lastCommand().path("result").asText().startsWith("refused: this instance does not"));
        handle("{\"target\":\"me\",\"action\":\"drop_table\\u0007" + "x".repeat(500) + "\"}");
        String result = listener.lastCommand().path("result").asText();
        assertTrue(result.startsWith("refused: unknown action 'drop_table?"), result);
        assertTrue(result.length() < 260, "the echoed action is cut");
        assertTrue(pauses.names().isEmpty());
        handle(null);
    }

    @Test
    void givenTheBound_whenMorePartitionsArePaused_thenTheyAreRefused() {
        for (int i = 0; i < OperatorPauses.MAX; i++) {
            assertTrue(pauses.pause(new TopicPartition("orders", i)));
        }
        assertFalse(pauses.pause(new TopicPartition("orders", OperatorPauses.MAX)));
        assertTrue(pauses.pause(new TopicPartition("orders", 0)), "pausing a paused one again is fine");
        handle("{\"target\":\"me\",\"action\":\"pause\",\"topic\":\"orders\",\"partition\":" + OperatorPauses.MAX + "}");
        assertTrue(listener.lastCommand().path("result").asText().contains("already paused by hand"));
    }

    private void handle(String json) {
        listener.handle(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }
}
