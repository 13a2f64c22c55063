package io.hashwatch.topology;

import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/** The dead-letter record of a rejected input: the input byte for byte, why in the headers. */
final class DeadLetters {
    /**
     * Longest detail kept. Details quote parts of the input (a network or pair name); unbounded, a large input would
     * make a dead letter twice its size, over the producer's max.request.size, which would stop the app.
     */
    static final int MAX_DETAIL_CHARS = 500;

    private DeadLetters() {
    }

    /** The detail cut to {@link #MAX_DETAIL_CHARS}, saying how long it was. */
    static String bounded(String detail) {
        String d = String.valueOf(detail);
        return d.length() <= MAX_DETAIL_CHARS ? d
                : d.substring(0, MAX_DETAIL_CHARS) + "... (" + d.length() + " characters)";
    }

    static Record<String, byte[]> record(Record<String, byte[]> input, Topics.Topic<String, byte[]> source,
                                         RejectReason reason, String detail) {
        RecordHeaders headers = new RecordHeaders(input.headers().toArray());
        headers.add(Topics.REJECT_REASON_HEADER, reason.label().getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.REJECT_DETAIL_HEADER, bounded(detail).getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.REJECT_SOURCE_TOPIC_HEADER, source.name().getBytes(StandardCharsets.UTF_8));
        return new Record<>(input.key(), input.value(), input.timestamp(), headers);
    }
}
