package dev.conveyor.adapters.kafka.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Serializes through a counting stream that stops the write as soon as the output passes its limit, so a huge result
 * never exists whole in memory: at most the limit plus Jackson's output buffer (8 KB) is held.
 */
public final class CappedJson {
    private CappedJson() {
    }

    /**
     * {@code value} as UTF-8 JSON of at most {@code maxBytes} bytes.
     *
     * @param what names the value in error messages, e.g. {@code ScenarioResult}
     * @throws OutputTooLargeException     if the JSON would be longer than {@code maxBytes}
     * @throws UnencodableMessageException if Jackson refuses the value (a limit of {@link JsonMappers}, a decimal it
     *                                     will not write plain)
     */
    public static byte[] write(ObjectWriter writer, Object value, int maxBytes, String what) {
        CappedStream out = new CappedStream(maxBytes);
        try {
            writer.writeValue(out, value);
        } catch (IOException e) {
            if (out.overflowed) {
                throw new OutputTooLargeException(what, maxBytes, e);
            }
            throw new UnencodableMessageException("cannot write " + what + " as JSON: " + describe(e), e);
        }
        return out.toByteArray();
    }

    private static String describe(IOException e) {
        String message = e instanceof JacksonException json ? json.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ');
    }

    /** Thrown into Jackson by the stream; an IOException so that Jackson passes it through unwrapped. */
    private static final class LimitReached extends IOException {
        LimitReached(int limit) {
            super("output limit of " + limit + " bytes reached");
        }
    }

    private static final class CappedStream extends OutputStream {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private boolean overflowed;

        CappedStream(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            room(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            room(len);
            bytes.write(b, off, len);
        }

        private void room(int len) throws LimitReached {
            if (overflowed || (long) bytes.size() + len > limit) {
                overflowed = true;
                throw new LimitReached(limit);
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
