package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.forgesync.schema.Topics;

/** Retries with growing delays, permanent failures, the dead-letter topic, and a token that never leaks. */
@ExtendWith(OutputCaptureExtension.class)
class FailureIT extends WorkerITSupport {

    @Test
    void oneDevAnswering500IsRetriedWithGrowingDelaysThenBecomesPermanentFailureAfterMaxRetries() {
        String fullName = unique("octo") + "/" + unique("flaky");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 2);
            ONEDEV.failApiWith(500);
            try {
                requestSync(id, fullName);
                awaitStatus(id, "permanent_failure");
            } finally {
                ONEDEV.failApiWith(0);
            }

            Map<String, Object> row = row(id);
            assertThat(row.get("retry_count")).isEqualTo(2);
            assertThat(row.get("next_retry_at")).isNull();
            assertThat((String) row.get("error_message")).contains("500");
            List<Map<String, Object>> failed = logs(id).stream()
                    .filter(r -> r.get("event_type").equals("sync_failed")).toList();
            assertThat(failed).hasSize(3).allSatisfy(r -> assertThat(r.get("error_code")).isEqualTo("onedev_http_500"));
            List<Timestamp> retries = logs(id).stream().filter(r -> r.get("event_type").equals("retry_attempted"))
                    .map(r -> (Timestamp) r.get("created_at")).toList();
            assertThat(retries).hasSize(2);
            Duration firstDelay = Duration.between(((Timestamp) failed.get(0).get("created_at")).toInstant(), retries.get(0).toInstant());
            Duration secondDelay = Duration.between(((Timestamp) failed.get(1).get("created_at")).toInstant(), retries.get(1).toInstant());
            assertThat(firstDelay).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(secondDelay).isGreaterThan(firstDelay);
            assertThat(awaitDeadLetters(Long.toString(id))).isNotEmpty();
        }
    }

    @Test
    void aMissingSourceRepositoryIsAPermanentFailureAtOnce() {
        String fullName = unique("octo") + "/" + unique("missing");
        long id = registerRepository(fullName, 3);
        requestSync(id, fullName);
        awaitStatus(id, "permanent_failure");

        assertThat(row(id).get("retry_count")).isEqualTo(0);
        assertThat(eventTypes(id)).containsExactly("sync_started", "clone_started", "sync_failed");
        assertThat(logs(id).get(2).get("error_code")).isEqualTo("source_gone");
        assertThat(awaitDeadLetters(Long.toString(id))).hasSize(1);
        assertThat(ONEDEV.projectByPath("github/" + fullName)).isEmpty();
    }

    @Test
    void aRejectedOneDevTokenNeverShowsUpAnywhere(CapturedOutput output) {
        String fullName = unique("octo") + "/" + unique("secret");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            ONEDEV.acceptOnlyToken("another-token-entirely");
            List<ConsumerRecord<String, byte[]>> dead;
            try {
                requestSync(id, fullName);
                awaitStatus(id, "permanent_failure");
                dead = awaitDeadLetters(Long.toString(id));
            } finally {
                ONEDEV.acceptOnlyToken(ONEDEV_TOKEN);
            }

            assertThat((String) row(id).get("error_message")).contains("401").doesNotContain(ONEDEV_TOKEN);
            assertThat(logs(id)).last().satisfies(r -> assertThat(r.get("error_code")).isEqualTo("onedev_http_401"));
            assertThat(logs(id).toString()).doesNotContain(ONEDEV_TOKEN);
            assertThat(row(id).toString()).doesNotContain(ONEDEV_TOKEN);
            for (ConsumerRecord<String, byte[]> r : dead) {
                for (Header h : r.headers()) {
                    assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain(ONEDEV_TOKEN);
                }
            }
            assertThat(output.getAll()).doesNotContain(ONEDEV_TOKEN);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"{\"version\":99}", "not json at all", "{\"version\":1}"})
    void aPoisonRecordGoesStraightToTheDeadLetterTopic(String value) {
        String key = unique("poison");
        send(new ProducerRecord<>(Topics.SYNC_REQUESTS, key, value.getBytes(StandardCharsets.UTF_8)));

        List<ConsumerRecord<String, byte[]>> dead = awaitDeadLetters(key);
        assertThat(dead).hasSize(1);
        // Dead-lettered from the main topic itself: no retry topic saw it.
        List<String> origins = new java.util.ArrayList<>();
        dead.get(0).headers().forEach(h -> {
            if (h.key().endsWith("original-topic")) {
                origins.add(new String(h.value(), StandardCharsets.UTF_8));
            }
        });
        assertThat(origins).isNotEmpty().containsOnly(Topics.SYNC_REQUESTS);
    }
}
