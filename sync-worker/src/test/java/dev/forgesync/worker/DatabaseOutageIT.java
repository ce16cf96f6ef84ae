package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's database goes away (an outage: connections reset and refused) or goes silent (a half-open
 * connection: bytes dropped, nothing closed). Neither strands a repository nor wedges a consumer: once the database
 * is back, every request is synced. The retry chain here lasts about 3.5 s and a claim goes stale after 3 s; every
 * fault lasts longer than both.
 */
class DatabaseOutageIT extends WorkerITSupport {

    private static final Duration LONGER_THAN_THE_RETRY_CHAIN = Duration.ofSeconds(7);

    @AfterEach
    void databaseBack() throws IOException {
        DATABASE.blackHole(false);
        restoreDatabase();
        GITHUB.delay(Duration.ZERO);
    }

    @Test
    void aDatabaseOutageLongerThanTheRetryChainStrandsNoRepository() {
        String fullName = unique("octo") + "/" + unique("outage");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);

            DATABASE.close();
            requestSync(id, fullName);
            stays(id, "pending", LONGER_THAN_THE_RETRY_CHAIN);
            restoreDatabase();

            awaitStatus(id, "completed");
            assertThat(eventTypes(id)).doesNotContain("sync_failed");
            assertThat(row(id).get("retry_count")).isEqualTo(0);
        }
    }

    @Test
    void aDatabaseOutageDuringASyncLeavesNoClaimBehind() {
        String fullName = unique("octo") + "/" + unique("midsync");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            GITHUB.delay(Duration.ofMillis(1500));

            requestSync(id, fullName);
            awaitEvent(id, "clone_started");
            DATABASE.close();
            stays(id, "in_progress", LONGER_THAN_THE_RETRY_CHAIN);
            GITHUB.delay(Duration.ZERO);
            restoreDatabase();

            awaitStatus(id, "completed");
            assertThat(lastCompleted(id)).isNotNull();
        }
    }

    @Test
    void aHalfOpenDatabaseConnectionDoesNotWedgeTheConsumer() {
        String fullName = unique("octo") + "/" + unique("halfopen");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            GITHUB.delay(Duration.ofMillis(1500));

            requestSync(id, fullName);
            awaitEvent(id, "clone_started");
            DATABASE.blackHole(true);
            stays(id, "in_progress", LONGER_THAN_THE_RETRY_CHAIN);
            GITHUB.delay(Duration.ZERO);
            DATABASE.blackHole(false);

            awaitStatus(id, "completed");
            assertThat(lastCompleted(id)).isNotNull();
        }
    }

    /** The row keeps {@code status} for the whole of {@code period} (read straight from the database). */
    private void stays(long id, String status, Duration period) {
        await().during(period).atMost(period.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(status(id)));
    }

    private void awaitEvent(long id, String eventType) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> eventTypes(id).contains(eventType));
    }

    private static void restoreDatabase() {
        try {
            DATABASE.start();
        } catch (IOException alreadyListening) {
            // the forwarder was not cut
        }
    }
}
