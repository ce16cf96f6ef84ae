package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.Rows;
import dev.forgesync.ingest.WebhookClient;
import dev.forgesync.testsupport.SlowWebhookClient;
import dev.forgesync.testsupport.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Clients that announce bodies and send them slowly, or not at all, against a server with 4 request threads, a
 * 64 KB cap and a 128 KB body budget: they hold neither the threads nor more than the budget, and each is answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.tomcat.threads.max=4",
        "forgesync.webhook.max-body-size=64KB",
        "forgesync.webhook.max-body-bytes-in-flight=128KB",
        "forgesync.webhook.body-timeout=2s"})
class SlowClientsIT {

    private static final int CAP = 64 * 1024;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private final List<SlowWebhookClient> slow = new ArrayList<>();

    @AfterEach
    void closeSlowClients() {
        slow.forEach(SlowWebhookClient::close);
        await().atMost(Duration.ofSeconds(20)).until(() -> bodyBytes() == 0);
    }

    @Test
    void clientsTricklingBodiesHoldNoRequestThread() {
        for (int i = 0; i < 8; i++) {
            SlowWebhookClient client = announce(CAP, SlowWebhookClient.WELL_FORMED_WRONG_SIGNATURE);
            client.send(1);
        }
        for (int i = 0; i < 8; i++) {
            announce(CAP, null).send(1);
        }
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true); // past the body timeout
        slow.forEach(client -> client.send(1));

        Webhooks.Delivery signed = Webhooks.forRepository("star", "star.created.json", IngestContexts.SECRET,
                "slow/served", 650_000_000L + System.nanoTime() % 1_000_000);
        long start = System.nanoTime();
        WebhookClient.Answer answer = new WebhookClient(port).post(signed);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(Rows.eventCount(signed.deliveryId())).isEqualTo(1);
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheBodyTimeoutIsRefusedWith408() {
        SlowWebhookClient client = announce(1_000, SlowWebhookClient.WELL_FORMED_WRONG_SIGNATURE);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(400)).until(() -> !client.send(1)
                || client.status(Duration.ofMillis(1)) != 0);

        assertThat(client.status(Duration.ofSeconds(1))).isIn(408, -1);
    }

    @Test
    void bodiesBeyondTheBudgetAreRefusedWith503AndTheBudgetIsGivenBack() {
        for (int i = 0; i < 2; i++) {
            announce(CAP, SlowWebhookClient.WELL_FORMED_WRONG_SIGNATURE).send(CAP - 1_000);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bodyBytes() == 2L * CAP);

        SlowWebhookClient third = announce(20_000, SlowWebhookClient.WELL_FORMED_WRONG_SIGNATURE);
        third.send(20_000);

        assertThat(third.status(Duration.ofSeconds(5))).isEqualTo(503);
        assertThat(bodyBytes()).isEqualTo(2L * CAP);
    }

    private SlowWebhookClient announce(long contentLength, String signature) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("X-GitHub-Event", "push");
        headers.put("X-GitHub-Delivery", UUID.randomUUID().toString());
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        SlowWebhookClient client = SlowWebhookClient.announce(port, contentLength, headers);
        slow.add(client);
        return client;
    }

    private double bodyBytes() {
        return meters.get("forgesync.webhook.body.bytes").gauge().value();
    }
}
