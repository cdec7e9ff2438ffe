package dev.conveyor.app.producer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;

/**
 * One JSON object per line, from a file or stdin, read as bytes and decoded line by line (lazily, so stdin can be
 * endless); the publisher validates each message before sending it and reports a violation as this line's
 * rejection. Lines end with {@code \n}, {@code \r\n} or {@code \r}; blank lines are skipped; every other line
 * becomes an {@link Input} named {@code line N}. A line longer than the message limit is rejected without parsing and
 * without being held in memory (only its length is counted; so one of whitespace only is rejected too, not skipped),
 * and bytes that are not UTF-8 reject their line, not the run.
 */
final class JsonLinesSource<T extends Record> implements Iterator<Input<T>>, AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final JsonCodec<T> codec;
    private final int maxMessageBytes;
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int lineLength;
    private long fullLength;
    private long lineNumber;
    private boolean hasLine;
    private boolean skipLineFeed;

    JsonLinesSource(InputStream in, JsonCodec<T> codec, int maxMessageBytes) {
        this.in = in;
        this.codec = codec;
        this.maxMessageBytes = maxMessageBytes;
        advance();
    }

    @Override
    public boolean hasNext() {
        return hasLine;
    }

    @Override
    public Input<T> next() {
        if (!hasLine) {
            throw new NoSuchElementException();
        }
        long number = lineNumber;
        long length = fullLength;
        byte[] bytes = length > maxMessageBytes ? null : Arrays.copyOf(line, lineLength);
        advance();
        if (bytes == null) {
            return Input.rejected("line", number, "size " + length + " bytes exceeds MAX_MESSAGE_BYTES="
                    + maxMessageBytes);
        }
        DecodeResult<T> result = codec.decodeUnchecked(bytes); // the publisher validates it
        if (result instanceof DecodeResult.Decoded<T> decoded) {
            return Input.of("line", number, decoded.message());
        }
        return Input.rejected("line", number, ((DecodeResult.Rejected<T>) result).failure().message());
    }

    /** Moves to the next line that is not blank, or to the end. */
    private void advance() {
        try {
            do {
                hasLine = readLine();
                lineNumber++;
            } while (hasLine && blank());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read input after line " + (lineNumber - 1), e);
        }
    }

    /**
     * Reads up to the next line end — {@code \n}, {@code \r} or {@code \r\n}, as {@code BufferedReader.readLine}
     * has them — which is dropped; false at the end of the input.
     */
    private boolean readLine() throws IOException {
        lineLength = 0;
        fullLength = 0;
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(0, in.read(chunk, 0, CHUNK));
                position = 0;
                if (limit == 0) {
                    return any;
                }
            }
            if (skipLineFeed) { // the \n of a \r\n whose \r ended the line before
                skipLineFeed = false;
                if (chunk[position] == '\n') {
                    position++;
                    continue;
                }
            }
            any = true;
            int start = position;
            while (position < limit && chunk[position] != '\n' && chunk[position] != '\r') {
                position++;
            }
            keep(start, position - start);
            if (position < limit) {
                skipLineFeed = chunk[position] == '\r';
                position++;
                return true;
            }
        }
    }

    /** Keeps the bytes while the line fits the limit; past it, only counts them. */
    private void keep(int start, int count) {
        fullLength += count;
        if (fullLength > maxMessageBytes) {
            return;
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(maxMessageBytes, Math.max(2L * line.length,
                    lineLength + count)));
        }
        System.arraycopy(chunk, start, line, lineLength, count);
        lineLength += count;
    }

    /**
     * As {@code String.isBlank} has it (a line over the limit is never blank: it is not held). A byte that is ASCII
     * and not whitespace decides at once; only lines of whitespace and non-ASCII bytes are decoded.
     */
    private boolean blank() {
        if (fullLength > maxMessageBytes) {
            return false;
        }
        for (int i = 0; i < lineLength; i++) {
            byte b = line[i];
            if (b >= 0 && !Character.isWhitespace(b)) {
                return false;
            }
        }
        return new String(line, 0, lineLength, StandardCharsets.UTF_8).isBlank();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
