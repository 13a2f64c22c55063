package io.hashwatch.config;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A send that still fails once the producer's own retries and timeouts are spent (a broker gone longer than
 * {@code max.block.ms} or {@code delivery.timeout.ms}) fails the stream thread, instead of Kafka Streams' default,
 * which marks only the sending task corrupted. With exactly-once v2 a stream thread's tasks share one producer and
 * one transaction: Kafka Streams 4.3.1 then revives that task alone while aborting the transaction, and the thread's
 * other tasks go on after records whose outputs were aborted (lost; {@code SendFailureIntegrationTest}). A failed
 * thread is replaced, and every one of its tasks resumes from the last commit. Other errors: Kafka's default.
 */
public final class SendErrorHandler extends DefaultProductionExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        return exception instanceof RetriableException ? Response.fail()
                : super.handleError(context, record, exception);
    }
}
