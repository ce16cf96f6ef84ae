package dev.forgesync.ingest.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import dev.forgesync.ingest.delivery.DeliveryOutcome;
import tools.jackson.core.io.JsonStringEncoder;

/** The endpoint's answers: their status and their JSON, written without a mapper (the answers are two shapes). */
final class WebhookAnswers {

    private WebhookAnswers() {
    }

    static HttpStatus status(String event, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Duplicate || "ping".equals(event)) {
            return HttpStatus.OK;
        }
        return HttpStatus.ACCEPTED;
    }

    /** {@code {"deliveryId":..,"outcome":..[,"reason":..][,"repositoryId":..]}}. */
    static String of(DeliveryOutcome outcome) {
        StringBuilder json = new StringBuilder(128).append('{');
        field(json, "deliveryId", outcome.deliveryId()).append(',');
        field(json, "outcome", outcome.name());
        if (outcome.reason() != null) {
            field(json.append(','), "reason", outcome.reason());
        }
        if (outcome instanceof DeliveryOutcome.Accepted accepted) {
            json.append(",\"repositoryId\":").append(accepted.repositoryId());
        }
        return json.append('}').toString();
    }

    /** {@code {"error":..,"message":..[,"deliveryId":..]}}; the delivery id only when it is one (100 characters at most). */
    static String error(String error, String message, String deliveryId) {
        StringBuilder json = new StringBuilder(160).append('{');
        field(json, "error", error).append(',');
        field(json, "message", message);
        if (deliveryId != null && deliveryId.length() <= 100) {
            field(json.append(','), "deliveryId", deliveryId);
        }
        return json.append('}').toString();
    }

    /** Without a Content-Length when the request's body is still to be read after the answer (see BodyReader). */
    static void write(HttpServletResponse response, HttpStatus status, String json, boolean withLength)
            throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (withLength) {
            response.setContentLength(bytes.length);
        }
        response.getOutputStream().write(bytes);
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, json);
        return json.append('"');
    }
}
