package io.hashwatch.config;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A send that still fails once the producer's own retries and timeouts are spent (a broker gone longer than
 * {@code max.block.ms} or {@code delivery.timeout.ms}) is a failure, not Kafka Streams' default retry, which marks
 * only the sending task corrupted. With exactly-once v2 a stream thread's tasks share one producer and one
 * transaction: Kafka Streams 4.3.1 then revives that task alone while aborting the transaction, and the thread's
 * other tasks go on after records whose outputs were aborted (lost; {@code SendFailureIntegrationTest}). The failure
 * surfaces at the thread's next send ({@link ProcessingErrorHandler} fails the thread) or at its commit (which fails
 * the thread), and every task of the thread resumes from the last commit. Other errors: Kafka's default.
 */
public final class SendErrorHandler extends DefaultProductionExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        return exception instanceof RetriableException ? Response.fail()
                : super.handleError(context, record, exception);
    }
}
