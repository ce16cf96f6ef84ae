package dev.forgesync.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgesync.testsupport.Webhooks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Posts deliveries to a running ingest-service over real HTTP, as GitHub does. */
public final class WebhookClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    public WebhookClient(int port) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/webhooks/github");
    }

    public record Answer(int status, JsonNode body, HttpResponse<String> response) {
        public String outcome() {
            return body.path("outcome").asString();
        }
    }

    public Answer post(Webhooks.Delivery delivery) {
        return post(headers(delivery), delivery.body(), "application/json");
    }

    /** The headers GitHub sends with a delivery; tests remove or change some of them. */
    public static Map<String, String> headers(Webhooks.Delivery delivery) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-GitHub-Event", delivery.event());
        headers.put("X-GitHub-Delivery", delivery.deliveryId());
        headers.put("X-Hub-Signature-256", delivery.signature());
        return headers;
    }

    public Answer post(Map<String, String> headers, byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", contentType)
                .header("User-Agent", "GitHub-Hookshot/forgesync-test")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
