package dev.conveyor.ops.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.adapters.kafka.status.CommandListener;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.OpsException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends operators' commands to the consumer processes through the command topic (see {@link CommandListener} for
 * what they read): acknowledged by the broker (acks=all) before the console says it was sent. Creates the topic
 * when it is missing.
 */
final class CommandSender implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final Map<String, Object> clientProperties;
    private final Producer<byte[], byte[]> producer;
    private volatile boolean topicChecked;

    CommandSender(Map<String, Object> clientProperties, String topic) {
        this.topic = topic;
        this.clientProperties = clientProperties;
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "conveyor-console-commands");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * ClusterOptions.TIMEOUT_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    String topic() {
        return topic;
    }

    /**
     * Sends one command and waits for the broker's acknowledgement; returns its id.
     *
     * @param action    {@code pause}, {@code resume} or {@code resume_all}
     * @param topicName the partition's topic (null for resume_all)
     */
    String send(String target, String action, String topicName, Integer partition) {
        ensureTopic();
        String id = UUID.randomUUID().toString();
        ObjectNode command = JSON.createObjectNode().put("id", id).put("target", target).put("action", action)
                .put("issued_at", Instant.now().toString()).put("issued_by", "console");
        if (topicName != null) {
            command.put("topic", topicName).put("partition", partition);
        }
        try {
            producer.send(new ProducerRecord<>(topic, target.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(command))).get(ClusterOptions.TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException(1, "interrupted while sending the command");
        } catch (ExecutionException | java.util.concurrent.TimeoutException | java.io.IOException e) {
            throw new OpsException(1, "the command was not acknowledged by the cluster: " + e);
        }
    }

    private void ensureTopic() {
        if (topicChecked) {
            return;
        }
        try (Admin admin = Admin.create(clientProperties)) {
            if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                try {
                    admin.createTopics(List.of(CommandListener.topicToCreate(admin, topic))).all()
                            .get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            topicChecked = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException(1, "interrupted while creating the command topic");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new OpsException(1, "cannot create the command topic " + topic + ": " + e);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
