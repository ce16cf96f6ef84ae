package dev.forgesync.ingest.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.filter.ServerHttpObservationFilter;

import dev.forgesync.ingest.delivery.DeliveryOutcome;
import dev.forgesync.ingest.delivery.DeliveryService;
import dev.forgesync.ingest.delivery.IncomingDelivery;
import dev.forgesync.ingest.github.EventIntent;
import dev.forgesync.ingest.github.GithubEvents;
import tools.jackson.core.JacksonException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/github}: check the headers, read the body under a cap, verify the signature on the raw
 * bytes, parse, store, answer. The raw body is read from the servlet stream (never through form parameters), so the
 * signed bytes are exactly the bytes GitHub sent.
 *
 * <p>Every refusal is a JSON body {@code {"error": ..., "message": ..., "deliveryId": ...}} and one log line with
 * the delivery id and event, never the payload. A database that cannot be reached within the pool's connection
 * timeout is a {@code 503} with {@code Retry-After}: GitHub records a failed delivery an operator can redeliver.
 *
 * <p>A plain servlet mapped to the one path, not a Spring MVC controller: in the benchmark's profile the dispatch
 * around the handler (mapping lookup, argument resolution, reflective invocation, return-value handling) cost about
 * a sixth of the service's CPU per webhook, for an endpoint that has one method, one path and writes its own bytes.
 * The servlet filters (the {@code http.server.requests} observation among them) still wrap it.
 */
final class WebhookServlet extends HttpServlet {

    static final String PATH = "/webhooks/github";
    static final String EVENT = "X-GitHub-Event";
    static final String DELIVERY = "X-GitHub-Delivery";
    static final String SIGNATURE = "X-Hub-Signature-256";

    private static final Logger log = LoggerFactory.getLogger(WebhookServlet.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final transient SignatureVerifier verifier;
    private final transient GithubEvents events;
    private final transient DeliveryService deliveries;
    private final transient WebhookMetrics metrics;
    private final int maxBodySize;
    private final String retryAfterSeconds;

    WebhookServlet(SignatureVerifier verifier, GithubEvents events, DeliveryService deliveries, WebhookMetrics metrics,
            WebhookProperties properties) {
        this.verifier = verifier;
        this.events = events;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
        this.retryAfterSeconds = Long.toString(Math.max(1, properties.retryAfter().toSeconds()));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(PATH));
        try {
            receive(request, response);
        } catch (WebhookRejection rejection) {
            log.warn("delivery {} event {}: refused {} {}: {}", request.getHeader(DELIVERY), request.getHeader(EVENT),
                    rejection.status().value(), rejection.error(), rejection.logMessage());
            metrics.delivery(request.getHeader(EVENT), "refused_" + rejection.error());
            answer(response, rejection.status(), error(rejection.error(), rejection.getMessage(), request));
        } catch (CannotCreateTransactionException | DataAccessResourceFailureException | TransientDataAccessException
                | RecoverableDataAccessException e) {
            log.error("delivery {} event {}: database unavailable, answered 503: {}", request.getHeader(DELIVERY),
                    request.getHeader(EVENT), e.toString());
            metrics.delivery(request.getHeader(EVENT), "refused_database_unavailable");
            response.setHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
            answer(response, HttpStatus.SERVICE_UNAVAILABLE,
                    error("database_unavailable", "the delivery could not be stored; redeliver it later", request));
        }
    }

    private void receive(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String event = requiredHeader(request, EVENT, 50);
        String deliveryId = requiredHeader(request, DELIVERY, 100);
        byte[] body = RequestBody.read(request.getInputStream(), request.getContentLengthLong(), maxBodySize);
        String signature = verified(request.getHeader(SIGNATURE), body);
        boolean form = RequestBody.isForm(request.getContentType());
        String json = RequestBody.json(body, form);
        // Parsed from the bytes when they are the JSON (Jackson's byte parser is the faster one), else the form field.
        EventIntent intent = events.interpret(event, form ? parse(json) : parse(body));
        DeliveryOutcome outcome = deliveries.receive(
                new IncomingDelivery(deliveryId, event, signature, json, intent));
        metrics.delivery(event, outcome.name());
        answer(response, status(event, outcome), answer(outcome));
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
        return parse(() -> JSON.readTree(json));
    }

    private static JsonNode parse(byte[] json) {
        return parse(() -> JSON.readTree(json));
    }

    private static JsonNode parse(Supplier<JsonNode> reader) {
        try {
            JsonNode node = reader.get();
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

    /** {@code {"deliveryId":..,"outcome":..[,"reason":..][,"repositoryId":..]}}, written without a mapper. */
    private static String answer(DeliveryOutcome outcome) {
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

    /** {@code {"error":..,"message":..[,"deliveryId":..]}}. */
    private static String error(String error, String message, HttpServletRequest request) {
        StringBuilder json = new StringBuilder(160).append('{');
        field(json, "error", error).append(',');
        field(json, "message", message);
        String deliveryId = request.getHeader(DELIVERY);
        if (deliveryId != null) {
            field(json.append(','), "deliveryId", deliveryId);
        }
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, json);
        return json.append('"');
    }

    private static void answer(HttpServletResponse response, HttpStatus status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
