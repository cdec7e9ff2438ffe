package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.codec.DecodeFailure;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.consumer.Outcome.Rejected;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A unit's first step: each record not decoded yet is checked against {@code MAX_MESSAGE_BYTES} (key, value and
 * headers) and decoded; one that is too large, that the decoder rejects or that breaks the decoder becomes a dead
 * letter ({@code oversize}, the decoder's error type, {@code deserialization}) instead of a retry.
 */
final class RecordDecoding<T> {
    private static final Logger LOG = LoggerFactory.getLogger(UnitRunner.class);

    private final MessageDecoder<T> decoder;
    private final int maxMessageBytes;

    RecordDecoding(MessageDecoder<T> decoder, int maxMessageBytes) {
        this.decoder = decoder;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The records of {@code unit} that decoded (their message set); the others added to {@code rejected}. */
    @SuppressWarnings("unchecked")
    List<Work> decode(Unit unit, List<Rejected> rejected) {
        List<Work> valid = new ArrayList<>(unit.works.size());
        for (Work work : unit.works) {
            if (work.decoded != null) {
                valid.add(work);
                continue;
            }
            byte[] value = work.record.value();
            long size = work.bytes; // key + value + headers, measured once when polled: each can be the large part
            if (size > maxMessageBytes) {
                LOG.error("Record {}-{}@{} of {} bytes exceeds MAX_MESSAGE_BYTES={}; sent to the DLQ",
                        work.record.topic(), work.record.partition(), work.offset(), size, maxMessageBytes);
                rejected.add(new Rejected(work, new DeadLetter(work.record, ErrorType.OVERSIZE, "record of " + size
                        + " bytes (key, value and headers) exceeds MAX_MESSAGE_BYTES=" + maxMessageBytes, null, 0)));
                continue;
            }
            DecodeResult<T> result;
            try {
                result = decoder.decode(value);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable error) {
                // The decoder or validator broke on these bytes: a bug or hostile input, retrying cannot help.
                LOG.warn("Decoder failed on {}-{}@{}: {}", work.record.topic(), work.record.partition(),
                        work.offset(), error.toString());
                rejected.add(new Rejected(work, new DeadLetter(work.record, ErrorType.DESERIALIZATION,
                        "decoder failed: " + UnitRunner.describe(error), error.getClass().getName(), 0)));
                continue;
            }
            if (result instanceof DecodeResult.Decoded<T> decoded) {
                work.decoded = decoded.message();
                valid.add(work);
            } else {
                DecodeFailure failure = ((DecodeResult.Rejected<T>) result).failure();
                rejected.add(new Rejected(work, new DeadLetter(work.record, decoder.errorType(failure),
                        failure.message(), null, 0)));
            }
        }
        return valid;
    }

    /** Bytes of the key, the value and every header's UTF-8 name and value. */
    static long recordBytes(ConsumerRecord<byte[], byte[]> record) {
        long size = (record.key() == null ? 0 : record.key().length)
                + (record.value() == null ? 0 : record.value().length);
        for (org.apache.kafka.common.header.Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }
}
