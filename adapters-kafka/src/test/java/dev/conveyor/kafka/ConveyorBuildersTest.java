package dev.conveyor.kafka;

import dev.conveyor.config.InvalidConfigurationException;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builders' validation: every problem at once, named by the option (and its variable); nothing is started. */
class ConveyorBuildersTest {
    record Payment(@NotBlank String id, long amountCents) {
    }

    @Test
    void givenSeveralBadOptions_whenBuilt_thenOneExceptionListsEveryProblemByOptionName() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConveyorConsumer.builder(Payment.class)
                        .bootstrap("localhost:9092")
                        .topics("payments")
                        .maxInFlight(0)
                        .retries(101, Duration.ofMillis(100))
                        .circuitBreaker(5, Duration.ZERO)
                        .deadLetterTopic("payments")
                        .outputs("payments", "bad topic!")
                        .build());
        List<String> problems = e.problems();
        assertTrue(problems.contains("group(): none given"), problems::toString);
        assertTrue(problems.contains("handler: none given (handler(...) or batchHandler(...))"), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("maxInFlight(0) [MAX_IN_FLIGHT]: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("retries(101) [MAX_RETRIES]: ")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("circuitBreaker(PT0S) [CIRCUIT_BREAKER_OPEN_MS]: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("deadLetterTopic(payments) [KAFKA_DLQ_TOPIC]: ")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("outputs(payments): must differ")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("bad topic!")), problems::toString);
        assertEquals(8, problems.size(), problems::toString);
    }

    @Test
    void givenNullTopicsOrNullValues_whenBuilt_thenEachIsAProblemNotATopicCalledNull() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConveyorConsumer.builder(Payment.class).topics("payments", null).group(null)
                        .outputs((String) null).handlerTimeout(null).handler(payment -> { }).build());
        assertTrue(e.problems().contains("topics(payments, null): give at least one topic, and no null"),
                e.problems()::toString);
        assertTrue(e.problems().contains("group(null): must not be null"), e.problems()::toString);
        assertTrue(e.problems().contains("outputs(...): no null topic"), e.problems()::toString);
        assertTrue(e.problems().contains("handlerTimeout(null): must not be null"), e.problems()::toString);
    }

    @Test
    void givenTwoHandlers_whenBuilt_thenRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConveyorConsumer.builder(Payment.class).topics("payments").group("g")
                        .handler(payment -> { })
                        .handler((payment, context) -> { })
                        .build());
        assertEquals(List.of("handler: 2 given; give exactly one"), e.problems());
    }

    @Test
    void givenTheEnvironment_whenAnOptionIsAlsoSet_thenTheOptionWinsAndTheRestComesFromTheEnvironment() {
        try (ConveyorConsumer<Payment> consumer = ConveyorConsumer.builder(Payment.class)
                .environment(Map.of("KAFKA_TOPIC", "payments", "KAFKA_GROUP_ID", "from-env", "MAX_IN_FLIGHT", "7",
                        "MAX_RETRIES", "9"))
                .maxInFlight(3)
                .handler(payment -> { })
                .build()) {
            assertEquals(3, consumer.settings().maxInFlight());
            assertEquals(9, consumer.settings().maxRetries());
            assertEquals("from-env", consumer.settings().groupId());
            assertEquals("payments-dlq", consumer.settings().dlqTopic());
            assertEquals(List.of("payments"), consumer.settings().topics());
        }
    }

    @Test
    void givenAConsumerThatNeverStarted_whenClosed_thenItReleasesItsClientsWithoutWaitingForADrain() {
        ConveyorConsumer<Payment> consumer = ConveyorConsumer.builder(Payment.class).topics("payments").group("g")
                .guarantee(Guarantee.EXACTLY_ONCE).shutdownTimeout(Duration.ofMinutes(4)).handler(payment -> { })
                .build();
        // A drain would wait SHUTDOWN_TIMEOUT + 10 s for poll threads that never ran.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertTrue(consumer.close(Duration.ofMinutes(5))));
        assertThrows(IllegalStateException.class, consumer::start, "closed: cannot start");
    }

    @Test
    void givenAnExactlyOnceGuarantee_whenBuilt_thenTheSettingsSayExactlyOnceWithItsCommitInterval() {
        try (ConveyorConsumer<Payment> consumer = ConveyorConsumer.builder(Payment.class).topics("payments")
                .group("g").guarantee(Guarantee.EXACTLY_ONCE).handler(payment -> { }).build()) {
            assertTrue(consumer.settings().exactlyOnce());
            assertEquals(Duration.ofMillis(100), consumer.settings().commitInterval());
        }
    }

    @Test
    void givenAForbiddenClientProperty_whenBuilt_thenRefusedUnderTheOptionName() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConveyorConsumer.builder(Payment.class).topics("payments").group("g")
                        .consumerProperty("enable.auto.commit", "true").handler(payment -> { }).build());
        assertTrue(e.problems().get(0).startsWith("consumerProperty(true) [KAFKA_CONSUMER_ENABLE_AUTO_COMMIT]"),
                e.problems()::toString);
    }

    @Test
    void givenAProducerWithoutTopicOrKey_whenBuilt_thenBothAreListed() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConveyorProducer.builder(Payment.class).retries(-1, Duration.ofSeconds(1)).build());
        assertTrue(e.problems().contains("topic(): none given"), e.problems()::toString);
        assertTrue(e.problems().contains("keyBy(): none given"), e.problems()::toString);
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("retries(-1) [PRODUCER_MAX_RETRIES]: ")),
                e.problems()::toString);
        assertEquals(3, e.problems().size(), e.problems()::toString);
    }

    @Test
    void givenAnInvalidMessageOrAMissingKey_whenPublished_thenRejectedAndNothingSent() {
        try (ConveyorProducer<Payment> producer = ConveyorProducer.builder(Payment.class).topic("payments")
                .keyBy(Payment::id).producerProperty("max.block.ms", "100").build()) {
            Throwable invalid = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> producer.publish(new Payment(" ", 5)).toCompletableFuture().get()).getCause();
            assertTrue(invalid instanceof dev.conveyor.domain.port.out.MessageRejectedException, invalid::toString);
            assertTrue(invalid.getMessage().contains("id"), invalid.getMessage());
            Throwable none = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> producer.publish(null).toCompletableFuture().get()).getCause();
            assertTrue(none instanceof dev.conveyor.domain.port.out.MessageRejectedException, none::toString);
            assertEquals(2L, producer.metrics().rejectedCount());
            assertEquals(0L, producer.metrics().sentCount());
        }
    }
}
