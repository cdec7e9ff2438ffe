package dev.conveyor.app.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OrderSamplesTest {
    @Test
    void givenUserNumbersOfOneToSixDigits_whenNamed_thenAsStringFormatWithFourDigitsZeroPadded() {
        for (int n : new int[] {1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 123456, Integer.MAX_VALUE}) {
            assertEquals(String.format("user-%04d", n), OrderSamples.userName(n), "n=" + n);
        }
    }

    @Test
    void givenTheSameSeed_whenSampled_thenTheSameValidOrdersOverEveryUser() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
        OrderSamples first = new OrderSamples(2_000, 25, 7, 0, clock);
        OrderSamples second = new OrderSamples(2_000, 25, 7, 0, clock);
        Set<String> users = new HashSet<>();
        while (first.hasNext()) {
            Input<dev.conveyor.domain.message.OrderMessage> a = first.next();
            assertEquals(a, second.next());
            users.add(a.message().user());
        }
        assertFalse(second.hasNext());
        assertEquals(25, users.size(), "every user appears: " + users);
        assertEquals(Set.of("user-0001", "user-0025"), Set.of(users.stream().min(String::compareTo).orElseThrow(),
                users.stream().max(String::compareTo).orElseThrow()));
    }
}
