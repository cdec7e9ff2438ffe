package dev.conveyor.app.producer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;

/**
 * One JSON object per line, from a file or stdin, decoded and validated line by line (read lazily, so stdin can be
 * endless). Blank lines are skipped; every other line becomes an {@link Input} named {@code line N}. A line longer
 * than the message limit is rejected without parsing.
 */
final class JsonLinesSource<T extends Record> implements Iterator<Input<T>>, AutoCloseable {
    private final BufferedReader reader;
    private final JsonCodec<T> codec;
    private final int maxMessageBytes;
    private long lineNumber;
    private String nextLine;

    JsonLinesSource(BufferedReader reader, JsonCodec<T> codec, int maxMessageBytes) {
        this.reader = reader;
        this.codec = codec;
        this.maxMessageBytes = maxMessageBytes;
        advance();
    }

    @Override
    public boolean hasNext() {
        return nextLine != null;
    }

    @Override
    public Input<T> next() {
        if (nextLine == null) {
            throw new NoSuchElementException();
        }
        String line = nextLine;
        String origin = "line " + lineNumber;
        advance();
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxMessageBytes) {
            return Input.rejected(origin, "size " + bytes.length + " bytes exceeds MAX_MESSAGE_BYTES="
                    + maxMessageBytes);
        }
        DecodeResult<T> result = codec.decode(bytes);
        if (result instanceof DecodeResult.Decoded<T> decoded) {
            return Input.of(origin, decoded.message());
        }
        return Input.rejected(origin, ((DecodeResult.Rejected<T>) result).failure().message());
    }

    private void advance() {
        try {
            do {
                nextLine = reader.readLine();
                lineNumber++;
            } while (nextLine != null && nextLine.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read input after line " + (lineNumber - 1), e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
