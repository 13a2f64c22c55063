package io.hashwatch.config;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose processing throws is logged, dead-lettered and skipped: the topology dead-letters what it can tell
 * is bad with a reason, and this is the net for anything else, so one bad record never stops the app. Unless the
 * exception is Kafka's own: a send that failed for good ({@link SendErrorHandler}), a timeout waiting for the broker,
 * a store that failed. Skipping would then drop the rest of the record's outputs (or, for a failed send, records
 * already processed), so the stream thread fails instead, and its replacement resumes every task of the thread from
 * the last commit: exactly-once.
 */
public final class ProcessingErrorHandler extends LogAndContinueProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProcessingErrorHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isKafkas(exception)) {
            log.error("Kafka failed while task {} processed in {}; the stream thread stops and its replacement"
                    + " resumes from the last commit: {}", context.taskId(), context.processorNodeId(),
                    exception.toString());
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }

    static boolean isKafkas(Throwable exception) {
        return exception instanceof StreamsException || exception instanceof RetriableException;
    }
}
