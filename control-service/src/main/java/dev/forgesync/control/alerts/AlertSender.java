package dev.forgesync.control.alerts;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs one alert as Slack's incoming-webhook JSON ({@code {"text": ...}}) plus a {@code forgesync} object with the
 * structured fields, in the background: nothing waits for the endpoint, and its failure is only logged. An alert
 * names the repository and its condition, never a token or a stored error message.
 */
final class AlertSender {

    private static final Logger log = LoggerFactory.getLogger(AlertSender.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AlertProperties properties;
    private final HttpClient http;

    AlertSender(AlertProperties properties) {
        this.properties = properties;
        this.http = HttpClient.newBuilder().connectTimeout(properties.timeout()).build();
    }

    void send(AlertStore.Change change) {
        HttpRequest request = HttpRequest.newBuilder(properties.webhookUrl()).timeout(properties.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(change))).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
                log.warn("alert for repository {} not delivered: {}", change.repositoryId(),
                        error.getClass().getSimpleName());
            } else if (response.statusCode() >= 300) {
                log.warn("alert for repository {} refused with {}", change.repositoryId(), response.statusCode());
            }
        });
    }

    static String body(AlertStore.Change change) {
        boolean recovered = "ok".equals(change.condition());
        String text = recovered
                ? "forgesync: " + change.fullName() + " recovered (was " + change.previous() + ")"
                : "forgesync: " + change.fullName() + " is " + change.condition().replace('_', ' ')
                        + (change.detail() == null ? "" : " (" + change.detail() + ")");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("repositoryId", change.repositoryId());
        fields.put("repository", change.fullName());
        fields.put("condition", recovered ? "recovered" : change.condition());
        fields.put("previous", change.previous() == null ? "ok" : change.previous());
        fields.put("at", Instant.now().toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("forgesync", fields);
        return JSON.writeValueAsString(body);
    }
}
