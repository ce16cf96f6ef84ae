package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.WebhookClient;
import dev.forgesync.testsupport.Webhooks;

/** A database that cannot be reached: the answer is a prompt 503 with Retry-After, so GitHub records a failure. */
class DatabaseDownIT {

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void startAgainstAClosedPort() {
        context = IngestContexts.start(Map.of(
                "spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + IngestContexts.freePort() + "/forgesync",
                "spring.flyway.enabled", "false",
                "forgesync.relay.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void answers503WithRetryAfterWithinABoundedTime() {
        var client = new WebhookClient(IngestContexts.port(context));
        Webhooks.Delivery delivery = Webhooks.of("push", "push.payload.json", IngestContexts.SECRET);

        long started = System.nanoTime();
        WebhookClient.Answer answer = client.post(delivery);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("30");
        assertThat(answer.body().path("error").asString()).isEqualTo("database_unavailable");
        assertThat(answer.body().path("deliveryId").asString()).isEqualTo(delivery.deliveryId());
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }
}
