package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.ingest.IngestContexts;
import dev.forgesync.ingest.Rows;
import dev.forgesync.ingest.WebhookClient;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookEndpointIT {

    private static final AtomicLong GITHUB_IDS = new AtomicLong(900_000_000L + System.nanoTime() % 1_000_000 * 100);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    MeterRegistry meters;

    private WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @Test
    void storesEveryRealPayloadWithItsEffectAndPublishesTheSyncRequests() {
        Rows.jdbc().sql("DELETE FROM webhook_events WHERE repository_id IN "
                + "(SELECT id FROM repositories WHERE github_repo_id IN (186853002, 186853261))").update();
        Rows.jdbc().sql("DELETE FROM repositories WHERE github_repo_id IN (186853002, 186853261)").update();
        record Case(String event, String file, int status, String outcome) {
        }
        List<Case> cases = List.of(
                new Case("watch", "watch.started.json", 202, "accepted"),
                new Case("star", "star.created.json", 202, "accepted"),
                new Case("push", "push.payload.json", 202, "accepted"),
                new Case("push", "push.with-new-branch.json", 202, "accepted"),
                new Case("star", "star.deleted.json", 202, "ignored"),
                new Case("ping", "ping.payload.json", 200, "ignored"),
                new Case("repository", "repository.renamed.json", 202, "accepted"),
                new Case("repository", "repository.transferred.json", 202, "accepted"),
                new Case("repository", "repository.privatized.json", 202, "accepted"));

        for (Case c : cases) {
            Webhooks.Delivery delivery = Webhooks.of(c.event(), c.file(), IngestContexts.SECRET);
            WebhookClient.Answer answer = client.post(delivery);

            assertThat(answer.status()).as(c.file()).isEqualTo(c.status());
            assertThat(answer.outcome()).as(c.file()).isEqualTo(c.outcome());
            assertThat(answer.body().path("deliveryId").asString()).isEqualTo(delivery.deliveryId());
            Rows.WebhookEvent row = Rows.event(delivery.deliveryId()).orElseThrow();
            assertThat(row.eventType()).isEqualTo(c.event());
            assertThat(row.deliveryId()).isEqualTo(delivery.deliveryId());
            assertThat(row.signature()).isEqualTo(delivery.signature());
            assertThat(row.receivedAt()).isNotNull();
            if (c.outcome().equals("accepted")) {
                assertThat(row.repositoryId()).isNotNull();
                awaitPublished(delivery.deliveryId(), row.repositoryId());
            } else {
                assertThat(row.processed()).isTrue();
                assertThat(row.processingError()).startsWith("ignored: " + c.event());
            }
        }

        Rows.Repository codertocat = Rows.repositoryByGithubId(186853002L).orElseThrow();
        assertThat(codertocat.fullName()).isEqualTo("Codertocat/Hello-World");
        assertThat(codertocat.owner()).isEqualTo("Codertocat");
        assertThat(codertocat.name()).isEqualTo("Hello-World");
        assertThat(codertocat.githubUrl()).isEqualTo("https://github.com/Codertocat/Hello-World");
        assertThat(codertocat.defaultBranch()).isEqualTo("master");
        assertThat(codertocat.sizeKb()).isZero();
        assertThat(codertocat.isPrivate()).as("privatized").isTrue();
        assertThat(codertocat.syncStatus()).isEqualTo("pending");
        assertThat(codertocat.metadata()).contains("\"archived\": false");
        assertThat(Rows.repositoryCount(186853002L)).isEqualTo(1);
        assertThat(Rows.repositoryByGithubId(186853261L).orElseThrow().fullName()).isEqualTo("Octocoders/Hello-World");
    }

    @Test
    void storesDuplicateDeliveryOnce() {
        Webhooks.Delivery delivery = star("acme/dup");

        WebhookClient.Answer first = client.post(delivery);
        WebhookClient.Answer again = client.post(delivery);

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.outcome()).isEqualTo("duplicate");
        assertThat(Rows.eventCount(delivery.deliveryId())).isEqualTo(1);
        long repositoryId = Rows.event(delivery.deliveryId()).orElseThrow().repositoryId();
        awaitPublished(delivery.deliveryId(), repositoryId);
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), delivery.deliveryId())).hasSize(1);
    }

    @Test
    void followsARenameWithAPushToTheSameRow() {
        long githubId = GITHUB_IDS.incrementAndGet();
        String owner = "acme" + githubId;
        Webhooks.Delivery star = Webhooks.forRepository("star", "star.created.json", IngestContexts.SECRET, owner + "/old", githubId);
        assertThat(client.post(star).status()).isEqualTo(202);
        long repositoryId = Rows.repositoryByGithubId(githubId).orElseThrow().id();
        Rows.setStatus(repositoryId, "completed");

        Webhooks.Delivery renamed = Webhooks.forRepository("repository", "repository.renamed.json", IngestContexts.SECRET,
                owner + "/new", githubId);
        Webhooks.Delivery push = Webhooks.forRepository("push", "push.payload.json", IngestContexts.SECRET,
                owner + "/new", githubId);
        assertThat(client.post(renamed).outcome()).isEqualTo("accepted");
        assertThat(client.post(push).outcome()).isEqualTo("accepted");

        Rows.Repository row = Rows.repositoryByGithubId(githubId).orElseThrow();
        assertThat(row.id()).isEqualTo(repositoryId);
        assertThat(row.fullName()).isEqualTo(owner + "/new");
        assertThat(row.name()).isEqualTo("new");
        assertThat(row.githubUrl()).isEqualTo("https://github.com/" + owner + "/new");
        assertThat(row.syncStatus()).as("re-armed by the rename").isEqualTo("pending");
        assertThat(row.retryCount()).isZero();
        assertThat(Rows.repositoryCount(githubId)).isEqualTo(1);
        assertThat(Rows.event(push.deliveryId()).orElseThrow().repositoryId()).isEqualTo(repositoryId);
        awaitPublished(push.deliveryId(), repositoryId);
    }

    @Test
    void leavesAnInProgressRepositoryAloneButStillRequestsTheSync() {
        Webhooks.Delivery first = star("acme/busy");
        client.post(first);
        long repositoryId = Rows.event(first.deliveryId()).orElseThrow().repositoryId();
        Rows.setStatus(repositoryId, "in_progress");

        Webhooks.Delivery push = Webhooks.forRepository("push", "push.payload.json", IngestContexts.SECRET,
                fullNameOf(first), githubIdOf(first));
        assertThat(client.post(push).outcome()).isEqualTo("accepted");

        assertThat(Rows.repositoryByGithubId(githubIdOf(first)).orElseThrow().syncStatus()).isEqualTo("in_progress");
        awaitPublished(push.deliveryId(), repositoryId);
    }

    @Test
    void refusesAWrongSignatureAndStoresNothing() {
        Webhooks.Delivery delivery = star("acme/forged");
        Map<String, String> headers = WebhookClient.headers(delivery);
        headers.put("X-Hub-Signature-256", Webhooks.sign("not-our-secret", delivery.body()));

        WebhookClient.Answer answer = client.post(headers, delivery.body(), "application/json");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().path("error").asString()).isEqualTo("invalid_signature");
        assertThat(Rows.eventCount(delivery.deliveryId())).isZero();
        assertThat(Rows.repositoryCount(githubIdOf(delivery))).isZero();
    }

    @Test
    void refusesAMissingSignature() {
        Webhooks.Delivery delivery = star("acme/unsigned");
        Map<String, String> headers = WebhookClient.headers(delivery);
        headers.remove("X-Hub-Signature-256");

        WebhookClient.Answer answer = client.post(headers, delivery.body(), "application/json");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().path("message").asString()).contains("missing");
        assertThat(Rows.eventCount(delivery.deliveryId())).isZero();
    }

    @Test
    void namesTheMissingHeader() {
        Webhooks.Delivery delivery = star("acme/headless");
        for (String header : List.of("X-GitHub-Event", "X-GitHub-Delivery")) {
            Map<String, String> headers = WebhookClient.headers(delivery);
            headers.remove(header);

            WebhookClient.Answer answer = client.post(headers, delivery.body(), "application/json");

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body().path("error").asString()).isEqualTo("missing_header");
            assertThat(answer.body().path("message").asString()).contains(header);
        }
        assertThat(Rows.eventCount(delivery.deliveryId())).isZero();
    }

    @Test
    void refusesAnOversizeBodyWith413() {
        byte[] body = new byte[6 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        Webhooks.Delivery delivery = new Webhooks.Delivery("push", java.util.UUID.randomUUID().toString(), body,
                Webhooks.sign(IngestContexts.SECRET, body));

        WebhookClient.Answer answer = client.post(delivery);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body().path("error").asString()).isEqualTo("payload_too_large");
        assertThat(Rows.eventCount(delivery.deliveryId())).isZero();
    }

    @Test
    void acceptsAFormEncodedDelivery() {
        Webhooks.Delivery json = star("acme/form");
        byte[] form = ("payload=" + URLEncoder.encode(json.bodyText(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        Map<String, String> headers = WebhookClient.headers(json);
        headers.put("X-Hub-Signature-256", Webhooks.sign(IngestContexts.SECRET, form));

        WebhookClient.Answer answer = client.post(headers, form, "application/x-www-form-urlencoded");

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.outcome()).isEqualTo("accepted");
        Rows.WebhookEvent row = Rows.event(json.deliveryId()).orElseThrow();
        assertThat(row.repoNameInPayload()).isEqualTo(fullNameOf(json));
        awaitPublished(json.deliveryId(), row.repositoryId());
    }

    @Test
    void refusesASignedBodyThatIsNotJsonWithTheReason() {
        byte[] body = "{not json".getBytes(StandardCharsets.UTF_8);
        Webhooks.Delivery delivery = new Webhooks.Delivery("push", java.util.UUID.randomUUID().toString(), body,
                Webhooks.sign(IngestContexts.SECRET, body));

        WebhookClient.Answer answer = client.post(delivery);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("error").asString()).isEqualTo("invalid_json");
        assertThat(answer.body().path("message").asString()).startsWith("body is not valid JSON");
        assertThat(Rows.eventCount(delivery.deliveryId())).isZero();
    }

    @Test
    void storesAPayloadLackingWhatItsEventNeedsWithTheReason() {
        byte[] body = "{\"ref\":\"refs/heads/main\",\"repository\":{\"id\":5,\"name\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
        Webhooks.Delivery delivery = new Webhooks.Delivery("push", java.util.UUID.randomUUID().toString(), body,
                Webhooks.sign(IngestContexts.SECRET, body));

        WebhookClient.Answer answer = client.post(delivery);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.outcome()).isEqualTo("invalid");
        assertThat(answer.body().path("reason").asString()).contains("repository.full_name");
        Rows.WebhookEvent row = Rows.event(delivery.deliveryId()).orElseThrow();
        assertThat(row.processed()).isTrue();
        assertThat(row.processingError()).isEqualTo("invalid: payload lacks repository.full_name");
    }

    @Test
    void storesAPayloadWithANulEscapeThatJsonbRefuses() {
        Webhooks.Delivery star = star("acme/nul");
        String json = star.bodyText().replaceFirst("\\{", "{\"note\":\"a\\\\u0000b\",");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Webhooks.Delivery delivery = new Webhooks.Delivery("star", star.deliveryId(), body,
                Webhooks.sign(IngestContexts.SECRET, body));

        WebhookClient.Answer answer = client.post(delivery);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.outcome()).isEqualTo("accepted");
        assertThat(Rows.jdbc().sql("SELECT payload->>'note' FROM webhook_events WHERE event_id = :id")
                .param("id", delivery.deliveryId()).query(String.class).single()).isEqualTo("a\ufffdb");
    }

    @Test
    void storesAnEventItDoesNotActOnAsIgnored() {
        Webhooks.Delivery issues = Webhooks.of("issues", "watch.started.json", IngestContexts.SECRET);

        WebhookClient.Answer answer = client.post(issues);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.outcome()).isEqualTo("ignored");
        Rows.WebhookEvent row = Rows.event(issues.deliveryId()).orElseThrow();
        assertThat(row.processed()).isTrue();
        assertThat(row.processedAt()).isNotNull();
        assertThat(row.processingError()).isEqualTo("ignored: issues started");
    }

    @Test
    void recordsADeletedRepositoryWithoutPublishing() {
        Webhooks.Delivery star = star("acme/gone");
        client.post(star);
        byte[] deleted = Webhooks.withRepository(Webhooks.payload("repository.privatized.json"), fullNameOf(star), githubIdOf(star));
        String json = new String(deleted, StandardCharsets.UTF_8).replace("\"privatized\"", "\"deleted\"");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Webhooks.Delivery delivery = new Webhooks.Delivery("repository", java.util.UUID.randomUUID().toString(), body,
                Webhooks.sign(IngestContexts.SECRET, body));

        WebhookClient.Answer answer = client.post(delivery);

        assertThat(answer.outcome()).isEqualTo("stopped");
        Rows.WebhookEvent row = Rows.event(delivery.deliveryId()).orElseThrow();
        assertThat(row.processed()).isTrue();
        assertThat(row.processingError()).contains("repository deleted on GitHub");
        assertThat(Rows.repositoryByGithubId(githubIdOf(star)).orElseThrow().metadata()).contains("sync_stopped");
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), delivery.deliveryId())).isEmpty();
    }

    @Test
    void unsignedRequestsWithDistinctEventNamesLeaveAFewMeterSeries() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        int seriesBefore = meters.getMeters().size();
        for (int i = 0; i < 5_000; i++) {
            Map<String, String> headers = Map.of("X-GitHub-Event", "evil-" + i, "X-GitHub-Delivery", "d-" + i);
            assertThat(client.post(headers, body, "application/json").status()).isEqualTo(401);
        }

        assertThat(meters.find("forgesync.webhook.deliveries").counters()).hasSizeLessThan(20);
        assertThat(meters.getMeters().size() - seriesBefore).as("new series of any meter").isLessThan(20);
    }

    @Test
    void exposesHealthAndMetrics() throws Exception {
        client.post(star("acme/metrics"));
        var http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + managementPort + "/actuator/";

        var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var prometheus = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        var readiness = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "health/readiness")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"db\"", "\"kafka\"", "clusterId");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"db\"").doesNotContain("\"kafka\"");
        assertThat(prometheus.body()).contains("forgesync_webhook_deliveries_total", "outcome=\"accepted\"",
                "forgesync_webhook_signature_matches_total", "forgesync_store_batch_size_count", "forgesync_store_queue");
        assertThat(prometheus.body()).as("the endpoint's requests are timed under their path")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/webhooks/github\"");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).contains("forgesync_publish_lag_seconds_count"));
    }

    @Test
    void servesNoActuatorEndpointOnTheWebhookPort() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();

        for (String endpoint : List.of("health", "prometheus", "metrics", "info")) {
            var answer = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/actuator/" + endpoint)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(endpoint).isEqualTo(404);
        }
        assertThat(managementPort).isNotEqualTo(port);
    }

    private static void awaitPublished(String deliveryId, long repositoryId) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Rows.WebhookEvent row = Rows.event(deliveryId).orElseThrow();
            assertThat(row.processed()).isTrue();
            assertThat(row.processedAt()).isNotNull();
            assertThat(row.processingError()).isNull();
            assertThat(row.repositoryId()).isEqualTo(repositoryId);
        });
        List<SyncRequestsTopic.Published> published = SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).key()).isEqualTo(Long.toString(repositoryId));
        assertThat(published.get(0).request().repositoryId()).isEqualTo(repositoryId);
        assertThat(published.get(0).deliveryHeader()).isEqualTo(deliveryId);
    }

    private static Webhooks.Delivery star(String prefix) {
        long githubId = GITHUB_IDS.incrementAndGet();
        return Webhooks.forRepository("star", "star.created.json", IngestContexts.SECRET, prefix + githubId, githubId);
    }

    private static String fullNameOf(Webhooks.Delivery delivery) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(delivery.body())
                .path("repository").path("full_name").asString();
    }

    private static long githubIdOf(Webhooks.Delivery delivery) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(delivery.body())
                .path("repository").path("id").asLong();
    }
}
