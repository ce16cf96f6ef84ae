package dev.forgesync.worker.listener;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.InvalidSyncRequestException;
import dev.forgesync.requests.SyncRequest;
import dev.forgesync.requests.SyncRequestCodec;
import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.schema.Topics;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.Redactor;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.config.SyncProperties;
import dev.forgesync.worker.failure.RepositoryBusy;

/**
 * Reads the dead-letter topic. A sync failure arrives with its row already {@code permanent_failure}; a record that
 * used up the topic's attempts while its row still says {@code failed} is made {@code permanent_failure} here, with
 * the reason. A record that ran out of attempts while its repository stayed busy, or before it could claim a
 * {@code pending} row, would otherwise leave that row with nothing in flight: such a request is published to the
 * main topic once more (once only, marked by a header). Poison records are logged by position only. The retry
 * topology writes the failure into the {@code kafka_exception-*} headers (not the {@code kafka_dlt-exception-*} ones).
 */
@Component("deadLetterHandler")
class DeadLetterHandler {

    static final String REPUBLISHED = "forgesync-republished-from-dlt";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private final RepositoryClaims claims;
    private final SyncAudit audit;
    private final Redactor redactor;
    private final SyncProperties sync;
    private final KafkaTemplate<String, byte[]> template;

    DeadLetterHandler(RepositoryClaims claims, SyncAudit audit, Redactor redactor, SyncProperties sync,
                      KafkaTemplate<String, byte[]> template) {
        this.claims = claims;
        this.audit = audit;
        this.redactor = redactor;
        this.sync = sync;
        this.template = template;
    }

    void onDeadLetter(ConsumerRecord<String, byte[]> record) {
        SyncRequest request;
        try {
            request = SyncRequestCodec.fromBytes(record.value());
        } catch (InvalidSyncRequestException e) {
            log.error("poison record {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        boolean busy = RepositoryBusy.class.getName().equals(header(record, KafkaHeaders.EXCEPTION_CAUSE_FQCN));
        if (!busy && markRetriesExhausted(request, header(record, KafkaHeaders.EXCEPTION_MESSAGE))) {
            return;
        }
        if (claims.awaitsAnotherRequest(request.repositoryId(), request.requestedAt(), sync.claimTtl())) {
            republish(record, request);
            return;
        }
        log.warn("repository {} request {} dead-lettered", request.repositoryId(), request.requestId());
    }

    private boolean markRetriesExhausted(SyncRequest request, String reason) {
        String message = redactor.redact("retry attempts exhausted: " + (reason == null ? "unknown" : reason));
        if (!claims.markFailedPermanent(request.repositoryId(), message)) {
            return false;
        }
        audit.record(request.repositoryId(), LogEntry.of(SyncEventType.SYNC_FAILED, SyncLogStatus.FAILURE)
                .withError("retries_exhausted", message).with("requestId", request.requestId().toString())
                .with("permanent", true));
        log.warn("repository {} request {} dead-lettered: retries exhausted", request.repositoryId(),
                request.requestId());
        return true;
    }

    private void republish(ConsumerRecord<String, byte[]> record, SyncRequest request) {
        if (record.headers().lastHeader(REPUBLISHED) != null) {
            log.error("repository {} request {} dead-lettered twice; the repository waits for a new event, ingest's "
                    + "stale-row sweep or an operator's resync", request.repositoryId(), request.requestId());
            return;
        }
        ProducerRecord<String, byte[]> again = new ProducerRecord<>(Topics.SYNC_REQUESTS, request.key(),
                SyncRequestCodec.toBytes(request));
        again.headers().add(REPUBLISHED, "1".getBytes(StandardCharsets.UTF_8));
        template.send(again).join();
        log.warn("repository {} request {} dead-lettered with nothing else in flight for it; published again",
                request.repositoryId(), request.requestId());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
