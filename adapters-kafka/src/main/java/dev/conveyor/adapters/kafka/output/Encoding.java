package dev.conveyor.adapters.kafka.output;

import dev.conveyor.adapters.kafka.codec.OutputTooLargeException;
import dev.conveyor.adapters.kafka.codec.UnencodableMessageException;
import dev.conveyor.domain.port.out.ResultTooLargeException;
import dev.conveyor.domain.port.out.UnpublishableResultException;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Runs a codec's capped encode and says what went wrong in the out-ports' terms (both poisons, as before). */
final class Encoding {
    private Encoding() {
    }

    /**
     * @param tooLarge the message of the {@link ResultTooLargeException} if the encoding passes its cap
     */
    static byte[] capped(Supplier<byte[]> encoder, Supplier<String> tooLarge) {
        try {
            return encoder.get();
        } catch (OutputTooLargeException e) {
            throw new ResultTooLargeException(tooLarge.get(), e.limit(), e);
        } catch (UnencodableMessageException e) {
            throw new UnpublishableResultException(e.getMessage(), e);
        }
    }

    /** An encoding without a cap: only a value the encoder refuses can fail it. */
    static byte[] uncapped(Supplier<byte[]> encoder) {
        try {
            return encoder.get();
        } catch (UnencodableMessageException e) {
            throw new UnpublishableResultException(e.getMessage(), e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
