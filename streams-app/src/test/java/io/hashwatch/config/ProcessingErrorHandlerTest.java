package io.hashwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Which processing errors skip the record, which fail the stream thread (end to end: SendFailureIntegrationTest). */
class ProcessingErrorHandlerTest {
    private final ProcessingErrorHandler handler = new ProcessingErrorHandler();

    ProcessingErrorHandlerTest() {
        handler.configure(Map.of());
    }

    private Result outcome(Exception e) {
        return handler.handleError(CONTEXT, new Record<>("k", "v", 0L), e).result();
    }

    @Test
    void kafkaOutOfReachFailsTheThread() {
        assertEquals(Result.FAIL, outcome(new TimeoutException("Topic x not present in metadata after 2000 ms.")));
        // A send that failed for good, as Kafka Streams raises it at the next send (SendErrorHandler's FAIL).
        assertEquals(Result.FAIL, outcome(new StreamsException("Error encountered sending record",
                new TimeoutException("Expiring 1 record(s)"))));
    }

    @Test
    void aBadRecordIsSkipped() {
        assertEquals(Result.RESUME, outcome(new IllegalArgumentException("not a header")));
        // Kafka Streams' own wrappings of what one record did wrong stop nothing either.
        assertEquals(Result.RESUME, outcome(new StreamsException("ClassCastException invoking processor",
                new ClassCastException())));
        assertEquals(Result.RESUME, outcome(new StreamsException("Error encountered sending record",
                new RecordTooLargeException("too large"))));
    }

    private static final ErrorHandlerContext CONTEXT = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return "headers";
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return 1;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "chain-processor";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(2, 0);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    };
}
