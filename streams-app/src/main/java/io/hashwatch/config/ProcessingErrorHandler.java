package io.hashwatch.config;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose processing throws is logged, dead-lettered and skipped: the topology dead-letters what it can tell
 * is bad with a reason, and this is the net for anything else, so one bad record never stops the app. Unless Kafka
 * could not be reached: a timeout waiting for the broker, or a send that failed for good on one
 * ({@link SendErrorHandler}; Kafka Streams raises it at the task's next send). Skipping would then drop the rest of
 * the record's outputs, or records already processed, so the stream thread fails instead: its tasks are closed
 * dirty, which aborts their transaction, and they are assigned again (to the replacement thread) and resume from the
 * last commit, their state restored from the changelogs: exactly-once.
 */
public final class ProcessingErrorHandler extends LogAndContinueProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProcessingErrorHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isKafkas(exception)) {
            log.error("Kafka could not be reached while task {} processed in {}; the stream thread stops and its"
                    + " tasks resume from the last commit: {}", context.taskId(), context.processorNodeId(),
                    exception.toString());
            return Response.fail();
        }
        return super.handleError(context, record, exception);
    }

    /**
     * {@code punctuator}, with a timeout waiting for Kafka (for a topic's partitions, say) turned into an error
     * this handler sees. Kafka Streams would otherwise mark only the punctuating task corrupted and commit the
     * thread's other tasks in the transaction that holds this punctuation's earlier sends: they would come out
     * again when the task, revived, punctuates again.
     */
    public static Punctuator failingTheThreadOnTimeout(Punctuator punctuator) {
        return timestamp -> {
            try {
                punctuator.punctuate(timestamp);
            } catch (TimeoutException e) {
                throw new StreamsException("a punctuation timed out waiting for Kafka", e);
            }
        };
    }

    /** A timeout or another retriable error, or Kafka Streams' wrapping of one (a stored send error). */
    private static boolean isKafkas(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
            if (!(t instanceof StreamsException)) {
                return false;
            }
        }
        return false;
    }
}
