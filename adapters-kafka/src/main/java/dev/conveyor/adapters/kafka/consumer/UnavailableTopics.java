package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Exactly-once output topics the producer cannot write now: deleted (on a broker without
 * {@code auto.create.topics.enable}), not authorized, or with no metadata within {@code max.block.ms}. That is an
 * outage of the topic, not a fault of the records, so nothing is dead-lettered: the records whose outputs go there
 * wait (their partition commits up to the first of them) while every other record keeps committing, and
 * {@code /health} names the topic. A probe thread asks for the topic's metadata ({@code partitionsFor}), first after
 * {@value #FIRST_PROBE_MS} ms, then with doubling pauses up to {@value #MAX_PROBE_MS} ms; once it answers, the
 * waiting records are tried in a transaction of their own ({@link State#TRIAL}), so a topic still refusing them
 * delays nobody else. The probe thread only reads metadata; the poll thread owns every transaction.
 */
final class UnavailableTopics implements AutoCloseable {
    static final long FIRST_PROBE_MS = 1_000;
    static final long MAX_PROBE_MS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(UnavailableTopics.class);

    enum State {
        /** Records writing to it wait; a probe is scheduled. */
        DOWN,
        /** Its metadata answered: its records are tried again, apart from the others. */
        TRIAL
    }

    private static final class Entry {
        volatile State state = State.DOWN;
        volatile String reason;
        volatile long pauseMs = FIRST_PROBE_MS;
        final long since = System.nanoTime();

        Entry(String reason) {
            this.reason = reason;
        }
    }

    private final Producer<byte[], byte[]> producer;
    private final Map<String, Entry> topics = new ConcurrentHashMap<>();
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "conveyor-topic-probe");
        thread.setDaemon(true);
        return thread;
    });

    UnavailableTopics(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** Poll thread: a write to {@code topic} failed with {@code error}; its records wait until a probe answers. */
    void failed(String topic, Throwable error) {
        Entry entry = topics.get(topic);
        if (entry == null) {
            entry = new Entry(String.valueOf(error));
            topics.put(topic, entry);
            LOG.warn("Exactly-once: output topic {} cannot be written ({}); records writing to it wait, the others "
                    + "go on", topic, error.toString());
        } else if (entry.state == State.TRIAL) { // its metadata answered but the write still failed
            entry.reason = String.valueOf(error);
            entry.pauseMs = Math.min(MAX_PROBE_MS, entry.pauseMs * 2);
            entry.state = State.DOWN;
        } else {
            return; // already waiting for a probe
        }
        schedule(topic, entry);
    }

    /** Poll thread: the trial transaction committed; its topics are writable again. */
    void written() {
        topics.entrySet().removeIf(e -> {
            boolean back = e.getValue().state == State.TRIAL;
            if (back) {
                LOG.info("Exactly-once: output topic {} is written again", e.getKey());
            }
            return back;
        });
    }

    /** The state of the most unavailable topic {@code work}'s outputs go to; null when all are writable. */
    State of(Work work) {
        if (topics.isEmpty() || work.outputs == null) {
            return null;
        }
        State worst = null;
        for (ProducerRecord<byte[], byte[]> output : work.outputs) {
            Entry entry = topics.get(output.topic());
            if (entry != null) {
                if (entry.state == State.DOWN) {
                    return State.DOWN;
                }
                worst = State.TRIAL;
            }
        }
        return worst;
    }

    boolean anyTrial() {
        return topics.values().stream().anyMatch(e -> e.state == State.TRIAL);
    }

    /** For {@code /health}: each unavailable topic with its error, and where {@code waiting} partitions stop. */
    String problem(List<String> waiting) {
        if (topics.isEmpty()) {
            return null;
        }
        String which = topics.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().reason + ", for "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - e.getValue().since) + " s)")
                .collect(Collectors.joining(", "));
        return "exactly-once output topic(s) cannot be written (deleted, not authorized or no metadata): " + which
                + "; records writing to them wait" + (waiting.isEmpty() ? "" : ", partitions stop at " + waiting)
                + "; retried as soon as the topic answers, nothing is dead-lettered";
    }

    private void schedule(String topic, Entry entry) {
        try {
            prober.schedule(() -> probe(topic, entry), entry.pauseMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: the engine is stopping
        }
    }

    /** Probe thread: blocks up to {@code max.block.ms} when the topic has no metadata. */
    private void probe(String topic, Entry entry) {
        if (topics.get(topic) != entry || entry.state != State.DOWN) {
            return;
        }
        try {
            producer.partitionsFor(topic);
            entry.state = State.TRIAL;
        } catch (RuntimeException e) {
            entry.reason = e.toString();
            entry.pauseMs = Math.min(MAX_PROBE_MS, entry.pauseMs * 2);
            schedule(topic, entry);
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
