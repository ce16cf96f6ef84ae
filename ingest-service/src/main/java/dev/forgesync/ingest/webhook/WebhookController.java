package dev.forgesync.ingest.webhook;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.forgesync.ingest.delivery.DeliveryOutcome;
import dev.forgesync.ingest.delivery.DeliveryService;
import dev.forgesync.ingest.delivery.IncomingDelivery;
import dev.forgesync.ingest.github.EventIntent;
import dev.forgesync.ingest.github.GithubEvents;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/github}: check the headers, read the body under a cap, verify the signature on the raw
 * bytes, parse, store, answer. The raw body is read from the servlet stream (never through form parameters), so the
 * signed bytes are exactly the bytes GitHub sent.
 */
@RestController
class WebhookController {

    static final String EVENT = "X-GitHub-Event";
    static final String DELIVERY = "X-GitHub-Delivery";
    static final String SIGNATURE = "X-Hub-Signature-256";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SignatureVerifier verifier;
    private final GithubEvents events;
    private final DeliveryService deliveries;
    private final WebhookMetrics metrics;
    private final int maxBodySize;

    WebhookController(SignatureVerifier verifier, GithubEvents events, DeliveryService deliveries,
            WebhookMetrics metrics, WebhookProperties properties) {
        this.verifier = verifier;
        this.events = events;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
    }

    @PostMapping("/webhooks/github")
    ResponseEntity<byte[]> receive(HttpServletRequest request) throws IOException {
        String event = requiredHeader(request, EVENT, 50);
        String deliveryId = requiredHeader(request, DELIVERY, 100);
        byte[] body = RequestBody.read(request.getInputStream(), request.getContentLengthLong(), maxBodySize);
        String signature = verified(request.getHeader(SIGNATURE), body);
        String json = RequestBody.json(body, request.getContentType());
        EventIntent intent = events.interpret(event, parse(json));
        DeliveryOutcome outcome = deliveries.receive(
                new IncomingDelivery(deliveryId, event, signature, json, intent, Instant.now()));
        metrics.delivery(event, outcome.name());
        // The answer is serialised here and sent as bytes with its type set: the message-converter path (generic type
        // resolution, content negotiation, a Jackson generator per request) cost about a tenth of the request's CPU.
        return ResponseEntity.status(status(event, outcome)).contentType(MediaType.APPLICATION_JSON)
                .body(JSON.writeValueAsBytes(answer(outcome)));
    }

    private static String requiredHeader(HttpServletRequest request, String name, int maxLength) {
        String value = request.getHeader(name);
        if (value == null || value.isBlank()) {
            throw new WebhookRejection(HttpStatus.BAD_REQUEST, "missing_header", name + " header is required");
        }
        if (value.length() > maxLength) {
            throw new WebhookRejection(HttpStatus.BAD_REQUEST, "invalid_header",
                    name + " header is longer than " + maxLength + " characters");
        }
        return value.trim();
    }

    private String verified(String signature, byte[] body) {
        SignatureVerifier.Match match = verifier.verify(signature, body);
        metrics.signature(match);
        if (!match.valid()) {
            throw new WebhookRejection(HttpStatus.UNAUTHORIZED, "invalid_signature", SIGNATURE + switch (match) {
                case MISSING -> " header is missing";
                case MALFORMED -> " is not sha256=<64 hex digits>";
                default -> " does not match the body";
            });
        }
        return signature.trim();
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new WebhookRejection(HttpStatus.BAD_REQUEST, "invalid_json", "body is empty");
            }
            return node;
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new WebhookRejection(HttpStatus.BAD_REQUEST, "invalid_json",
                    "body is not valid JSON" + where + ": " + e.getOriginalMessage(), "body is not valid JSON" + where);
        }
    }

    private static HttpStatus status(String event, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Duplicate || "ping".equals(event)) {
            return HttpStatus.OK;
        }
        return HttpStatus.ACCEPTED;
    }

    private static Map<String, Object> answer(DeliveryOutcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deliveryId", outcome.deliveryId());
        body.put("outcome", outcome.name());
        if (outcome.reason() != null) {
            body.put("reason", outcome.reason());
        }
        if (outcome instanceof DeliveryOutcome.Accepted accepted) {
            body.put("repositoryId", accepted.repositoryId());
        }
        return body;
    }
}
