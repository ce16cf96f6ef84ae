package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** ingest marks a deleted (or, by policy, unstarred) repository {@code metadata.sync_stopped}: the worker leaves it alone. */
class StoppedRepositoryIT extends WorkerITSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void aRepositoryWhoseSyncingIsStoppedIsNotSyncedAndKeepsItsMirror() {
        String fullName = unique("octo") + "/" + unique("deleted");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            jdbc.sql("UPDATE repositories SET metadata = jsonb_build_object('sync_stopped', 'repository deleted') WHERE id = :id")
                    .param("id", id).update();
            double before = stoppedOutcomes();

            requestSync(id, fullName);

            await().atMost(Duration.ofSeconds(30)).until(() -> stoppedOutcomes() > before);
            assertThat(status(id)).isEqualTo("pending");
            assertThat(logs(id)).isEmpty();
            assertThat(ONEDEV.projectByPath("github/" + fullName)).isEmpty();
        }
    }

    private double stoppedOutcomes() {
        Counter counter = meters.find("forgesync.sync.outcomes").tag("outcome", "stopped").counter();
        return counter == null ? 0 : counter.count();
    }
}
