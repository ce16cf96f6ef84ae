package dev.forgesync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.forgesync.testsupport.Webhooks;

/**
 * The pipeline across real processes (broker, PostgreSQL, ingest-service, two sync-workers) with faults that
 * heal: each scenario sends signed webhooks, injects its fault, and ends with the ledger balanced.
 * One stack for the class (JVM start-up is the expensive part on two cores); scenarios run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    static Pipeline pipeline;
    static Ledger ledger;

    @BeforeAll
    static void startThePipeline() {
        pipeline = Pipeline.start("pipeline", Pipeline.options().workers(2));
        ledger = new Ledger(pipeline);
    }

    @AfterAll
    static void stopEverything() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void mirrorsSeveralRepositoriesWithDuplicatesAndOutOfOrderEvents() {
        List<String> names = List.of("octo/alpha", "octo/beta", "acme/gamma", "acme/delta");
        names.forEach(pipeline::createSource);
        for (String name : names) {
            assertThat(ledger.send(Ledger.delivery("star", "star.created.json", name), name)).isEqualTo(202);
        }
        Webhooks.Delivery duplicated = Ledger.delivery("push", "push.payload.json", "octo/alpha");
        assertThat(ledger.send(duplicated, "octo/alpha")).isEqualTo(202);
        for (int i = 0; i < 9; i++) {
            assertThat(ledger.resend(duplicated)).isEqualTo(200);
        }
        // Out of order: the push for the newer commit arrives before the one for the older commit.
        GitRepos.commit(pipeline.source("acme/gamma"), "master", "one.txt", "first change");
        Webhooks.Delivery older = Ledger.delivery("push", "push.payload.json", "acme/gamma");
        GitRepos.commit(pipeline.source("acme/gamma"), "master", "two.txt", "second change");
        Webhooks.Delivery newer = Ledger.delivery("push", "push.payload.json", "acme/gamma");
        assertThat(ledger.send(newer, "acme/gamma")).isEqualTo(202);
        assertThat(ledger.send(older, "acme/gamma")).isEqualTo(202);

        ledger.balance(SETTLE);

        names.forEach(n -> assertThat(ledger.status(n)).as(n).isEqualTo("completed"));
        assertThat(pipeline.query("SELECT id FROM webhook_events WHERE event_id = ?", duplicated.deliveryId())).hasSize(1);
        assertThat(pipeline.onedev().projects().stream().filter(p -> p.path().equals("github/octo/alpha"))).hasSize(1);
    }
}
