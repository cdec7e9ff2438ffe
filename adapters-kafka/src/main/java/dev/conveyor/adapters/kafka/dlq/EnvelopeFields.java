package dev.conveyor.adapters.kafka.dlq;

/** The envelope's JSON field names, shared by the writer and the reader so they cannot drift apart. */
final class EnvelopeFields {
    static final String ORIGINAL_TOPIC = "original_topic";
    static final String ORIGINAL_PARTITION = "original_partition";
    static final String ORIGINAL_OFFSET = "original_offset";
    static final String ORIGINAL_TIMESTAMP = "original_timestamp";
    static final String ORIGINAL_KEY = "original_key";
    static final String ORIGINAL_KEY_ENCODING = "original_key_encoding";
    static final String ORIGINAL_KEY_TRUNCATED = "original_key_truncated";
    static final String ORIGINAL_KEY_SIZE = "original_key_size";
    static final String ORIGINAL_KEY_SHA256 = "original_key_sha256";
    static final String ORIGINAL_VALUE = "original_value";
    static final String ORIGINAL_VALUE_ENCODING = "original_value_encoding";
    static final String ORIGINAL_VALUE_TRUNCATED = "original_value_truncated";
    static final String ORIGINAL_VALUE_SIZE = "original_value_size";
    static final String ORIGINAL_VALUE_SHA256 = "original_value_sha256";
    static final String ORIGINAL_HEADERS = "original_headers";
    static final String ORIGINAL_HEADERS_TRUNCATED = "original_headers_truncated";
    static final String ORIGINAL_HEADERS_SIZE = "original_headers_size";
    static final String ORIGINAL_HEADERS_SHA256 = "original_headers_sha256";
    static final String METADATA_ONLY = "metadata_only";
    static final String METADATA_ONLY_REASON = "metadata_only_reason";
    static final String ERROR = "error";
    static final String ERROR_TYPE = "error_type";
    static final String ERROR_CLASS = "error_class";
    static final String ATTEMPTS = "attempts";
    static final String CONSUMER_GROUP = "consumer_group";
    static final String TIMESTAMP = "timestamp";

    /** Value of the {@code *_encoding} fields and the key of a binary header value object. */
    static final String BASE64 = "base64";

    private EnvelopeFields() {
    }
}
