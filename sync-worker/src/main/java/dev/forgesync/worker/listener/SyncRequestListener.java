package dev.forgesync.worker.listener;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.requests.SyncRequestCodec;
import dev.forgesync.schema.Topics;
import dev.forgesync.worker.sync.SyncService;

/**
 * Consumes {@code forgesync.sync-requests} and its retry topics in the shared consumer group. A record that does
 * not decode ({@code InvalidSyncRequestException}) goes straight to the dead-letter topic; see {@link RetryTopology}.
 */
@Component
class SyncRequestListener {

    private static final Logger log = LoggerFactory.getLogger(SyncRequestListener.class);

    private final SyncService service;

    SyncRequestListener(SyncService service) {
        this.service = service;
    }

    @KafkaListener(id = "forgesync-sync-requests", topics = Topics.SYNC_REQUESTS, groupId = Topics.SYNC_WORKER_GROUP)
    void onRequest(ConsumerRecord<String, byte[]> record) {
        SyncRequest request = SyncRequestCodec.fromBytes(record.value());
        log.debug("repository {} request {} from {}-{}@{}", request.repositoryId(), request.requestId(),
                record.topic(), record.partition(), record.offset());
        service.handle(request);
    }
}
