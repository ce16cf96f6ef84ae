package dev.forgesync.worker.listener;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

import dev.forgesync.schema.InvalidSyncRequestException;
import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.schema.SyncRequest;
import dev.forgesync.schema.SyncRequestCodec;
import dev.forgesync.schema.SyncStatus;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.Redactor;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.RepositoryClaims;

/**
 * Reads the dead-letter topic. A sync failure arrives with its row already {@code permanent_failure}; a record that
 * used up the topic's attempts while its row still says {@code failed} (attempts below {@code max_retries}) is made
 * {@code permanent_failure} here, with the reason. Poison records are logged by position only.
 */
@Component("deadLetterHandler")
class DeadLetterHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private final RepositoryClaims claims;
    private final SyncAudit audit;
    private final Redactor redactor;

    DeadLetterHandler(RepositoryClaims claims, SyncAudit audit, Redactor redactor) {
        this.claims = claims;
        this.audit = audit;
        this.redactor = redactor;
    }

    void onDeadLetter(ConsumerRecord<String, byte[]> record,
                      @Header(name = KafkaHeaders.DLT_EXCEPTION_MESSAGE, required = false) String reason) {
        SyncRequest request;
        try {
            request = SyncRequestCodec.fromBytes(record.value());
        } catch (InvalidSyncRequestException e) {
            log.error("poison record {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        String message = redactor.redact("retry attempts exhausted: " + (reason == null ? "unknown" : reason));
        if (claims.markPermanent(request.repositoryId(), SyncStatus.FAILED, message)) {
            audit.record(request.repositoryId(), LogEntry.of(SyncEventType.SYNC_FAILED, SyncLogStatus.FAILURE)
                    .withError("retries_exhausted", message).with("requestId", request.requestId().toString())
                    .with("permanent", true));
        }
        log.warn("repository {} request {} dead-lettered", request.repositoryId(), request.requestId());
    }
}
