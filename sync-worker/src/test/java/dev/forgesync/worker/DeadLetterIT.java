package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.requests.SyncRequestCodec;
import dev.forgesync.schema.Topics;
import dev.forgesync.worker.failure.RepositoryBusy;

/**
 * The dead-letter handler leaves no repository waiting with nothing in flight: a request that died while its row was
 * still to be synced is published once more, and a failed row whose own retry is still coming is not made permanent
 * by somebody else's dead letter.
 */
class DeadLetterIT extends WorkerITSupport {

    @Test
    void aRequestDeadLetteredWhileItsRowWasPendingIsPublishedOnceMore() {
        String fullName = unique("octo") + "/" + unique("dead");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);

            deadLetter(SyncRequest.of(id, fullName, "push", null, Instant.now()), false);

            awaitStatus(id, "completed");
            assertThat(eventTypes(id)).startsWith("sync_started").endsWith("sync_completed");
        }
    }

    @Test
    void aRequestDeadLetteredTwiceIsNotPublishedAThirdTime() {
        String fullName = unique("octo") + "/" + unique("twice");
        long id = registerRepository(fullName, 3);

        deadLetter(SyncRequest.of(id, fullName, "push", null, Instant.now()), true);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> "pending".equals(status(id)));
        assertThat(logs(id)).isEmpty();
    }

    @Test
    void aBusyDeadLetterDoesNotEndAFailedRowWhoseRetryIsStillComing() {
        String fullName = unique("octo") + "/" + unique("coming");
        long id = registerRepository(fullName, 3);
        jdbc.sql("""
                UPDATE repositories SET sync_status = 'failed', retry_count = 1,
                       next_retry_at = NOW() + INTERVAL '1 hour' WHERE id = :id""").param("id", id).update();

        deadLetter(SyncRequest.of(id, fullName, "push", null, Instant.now()), false);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> "failed".equals(status(id)));
        assertThat(logs(id)).isEmpty();
    }

    /** As the retry topology writes a record that ran out of attempts while its repository was busy. */
    private static void deadLetter(SyncRequest request, boolean republishedBefore) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.SYNC_REQUESTS_DLT, request.key(),
                SyncRequestCodec.toBytes(request));
        record.headers().add(KafkaHeaders.EXCEPTION_CAUSE_FQCN,
                RepositoryBusy.class.getName().getBytes(StandardCharsets.UTF_8));
        if (republishedBefore) {
            record.headers().add("forgesync-republished-from-dlt", "1".getBytes(StandardCharsets.UTF_8));
        }
        send(record);
    }
}
