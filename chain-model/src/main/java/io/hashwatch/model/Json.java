package io.hashwatch.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one JSON mapping of the wire format: snake_case field names with digits as their own word
 * ({@code hashrate1dHps} is {@code hashrate_1d_hps}), strict about types (no "12" for 12, no trailing tokens),
 * tolerant of unknown fields so that producers can add some without breaking consumers. Strict both ways: no number
 * or boolean for a string either ({@code "network":5} is malformed, not the network "5"), and no empty string for
 * a number ({@code "fees_sat":""} is malformed, not null).
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(new SnakeCaseWithDigits())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // Schubfach and FastDoubleParser: the shortest round-tripping text, without Java 17's slow dtoa that
            // dominated the serialization of the per-block records.
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .addModule(new BlackbirdModule())
            // ALLOW_COERCION_OF_SCALARS does not cover everything: Jackson still reads 5 or true into a String
            // field, and "" or " " into a Long or Double field (as null), unless told otherwise.
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail).setAcceptBlankAsEmpty(false))
            .withCoercionConfig(LogicalType.Float, c -> c
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail).setAcceptBlankAsEmpty(false))
            .build();

    /** Jackson's snake_case, plus an underscore where a letter meets a digit. */
    private static final class SnakeCaseWithDigits extends PropertyNamingStrategies.NamingBase {
        private static final long serialVersionUID = 1L;
        private final PropertyNamingStrategies.SnakeCaseStrategy snake = new PropertyNamingStrategies.SnakeCaseStrategy();

        @Override
        public String translate(String name) {
            return snake.translate(name).replaceAll("(?<=[a-z])(?=[0-9])", "_");
        }
    }

    private Json() {
    }

    /** Readers and writers resolved once per type: the per-record records would otherwise look them up per call. */
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return MAPPER.readerFor(type);
        }
    };
    private static final ClassValue<ObjectWriter> WRITERS = new ClassValue<>() {
        @Override
        protected ObjectWriter computeValue(Class<?> type) {
            return MAPPER.writerFor(type);
        }
    };

    public static byte[] write(Object value) {
        try {
            return WRITERS.get(value.getClass()).writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses or throws {@link SerializationException} saying what is wrong. */
    public static <T> T read(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new SerializationException("null value where a " + type.getSimpleName() + " was expected");
        }
        T value;
        try {
            value = READERS.get(type).readValue(bytes);
        } catch (JsonProcessingException e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        if (value == null) {
            // The JSON literal null: Jackson returns null, which is not a record either.
            throw new SerializationException("JSON null where a " + type.getSimpleName() + " was expected");
        }
        return value;
    }

    public static <T> JsonSerde<T> serde(Class<T> type) {
        return new JsonSerde<>(type);
    }

    /** The serde of a record type, which it names: the type a topic's JSON Schema (docs/schemas/) is made from. */
    public static final class JsonSerde<T> extends Serdes.WrapperSerde<T> {
        private final Class<T> type;

        private JsonSerde(Class<T> type) {
            super((topic, value) -> value == null ? null : write(value),
                    (topic, bytes) -> bytes == null ? null : read(bytes, type));
            this.type = type;
        }

        public Class<T> type() {
            return type;
        }
    }
}
