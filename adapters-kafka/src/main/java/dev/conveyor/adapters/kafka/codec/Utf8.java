package dev.conveyor.adapters.kafka.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: malformed input is reported, never replaced, so text that decodes round-trips byte for byte. */
public final class Utf8 {
    private Utf8() {
    }

    /** The text if {@code bytes} is well-formed UTF-8, otherwise null. */
    public static String decodeOrNull(byte[] bytes) {
        try {
            return decode(bytes);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The text, or the decoder's complaint. */
    public static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
