package dev.forgesync.ingest.webhook;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.ServerHttpObservationFilter;

import dev.forgesync.ingest.delivery.DeliveryOutcome;
import dev.forgesync.ingest.delivery.DeliveryService;
import dev.forgesync.ingest.delivery.IncomingDelivery;
import dev.forgesync.ingest.github.EventIntent;
import dev.forgesync.ingest.github.GithubEvents;
import dev.forgesync.requests.database.DatabaseFailures;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/github}: check the headers (a request without a well-formed signature is refused here,
 * before its body), read the body under a cap and a budget without holding a thread while it arrives, verify the
 * signature on the raw bytes, parse, store, answer. The raw body is read from the servlet stream (never through form
 * parameters), so the signed bytes are exactly the bytes GitHub sent.
 *
 * <p>The endpoint is public, so what an unauthenticated client can make it keep is bounded: body bytes by
 * {@link BodyBudget}, threads by non-blocking reads ({@link BodyReader}) and a body timeout, metric series by fixed
 * tag sets ({@link WebhookMetrics}), log lines by {@link RefusalLog}.
 *
 * <p>Every refusal is a JSON body {@code {"error": ..., "message": ..., "deliveryId": ...}} and (rate-limited) one
 * log line with the delivery id and event, never the payload. A database that cannot be reached within the pool's
 * connection timeout, or more bodies at once than the budget holds, is a {@code 503} with {@code Retry-After}: GitHub
 * records a failed delivery an operator can redeliver.
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

    /** Room, after the body timeout and the store's own timeout, for the answer to be written before Tomcat's. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(WebhookServlet.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final transient SignatureVerifier verifier;
    private final transient GithubEvents events;
    private final transient DeliveryService deliveries;
    private final transient WebhookMetrics metrics;
    private final transient BodyBudget budget;
    private final transient RefusalLog refusals = new RefusalLog();
    private final int maxBodySize;
    private final Duration bodyTimeout;
    private final long asyncTimeoutMillis;
    private final String retryAfterSeconds;

    /** {@code storeTimeout}: how long storing a delivery may take once its body is read. */
    WebhookServlet(SignatureVerifier verifier, GithubEvents events, DeliveryService deliveries, WebhookMetrics metrics,
            BodyBudget budget, WebhookProperties properties, Duration storeTimeout) {
        this.verifier = verifier;
        this.events = events;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.budget = budget;
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
        this.bodyTimeout = properties.bodyTimeout();
        this.asyncTimeoutMillis = bodyTimeout.plus(storeTimeout).plus(ANSWER_MARGIN).toMillis();
        this.retryAfterSeconds = Long.toString(Math.max(1, properties.retryAfter().toSeconds()));
    }

    /** The checked headers of a request whose body is worth reading. */
    private record Head(String event, String deliveryId, String signature) {
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(PATH));
        try {
            Head head = head(request);
            RequestBody body = new RequestBody(request.getContentLengthLong(), maxBodySize, budget);
            readBody(request, response, head, body);
        } catch (WebhookRejection rejection) {
            refuseBeforeTheBody(request, response, rejection);
        }
    }

    /** Headers, then the signature's form: a request without a well-formed signature is refused before its body. */
    private Head head(HttpServletRequest request) {
        String event = requiredHeader(request, EVENT, 50);
        String deliveryId = requiredHeader(request, DELIVERY, 100);
        String signature = request.getHeader(SIGNATURE);
        SignatureVerifier.Match refused = verifier.precheck(signature);
        if (refused != null) {
            metrics.signature(refused);
            throw invalidSignature(refused);
        }
        return new Head(event, deliveryId, signature.trim());
    }

    /** Reads the body without holding a thread while waiting for it (see {@link BodyReader}), then answers. */
    private void readBody(HttpServletRequest request, HttpServletResponse response, Head head, RequestBody body)
            throws IOException {
        BodyReader.read(startAsync(request, response), body, bodyTimeout, new BodyReader.Outcome() {
            @Override
            public void read(RequestBody complete) throws IOException {
                receive(request, response, head, complete);
            }

            @Override
            public void refused(WebhookRejection rejection) throws IOException {
                refuseBeforeTheRest(request, response, rejection);
            }
        });
    }

    /**
     * Refused from its headers: answered at once, and a body on its way is read into nothing without holding a
     * thread (left to Tomcat, a blocked thread would swallow it, as slowly as the client sends it).
     */
    private void refuseBeforeTheBody(HttpServletRequest request, HttpServletResponse response,
            WebhookRejection rejection) throws IOException {
        if (request.getContentLengthLong() == 0) {
            refuse(request, response, null, rejection);
            return;
        }
        refuseBeforeTheRest(request, response, rejection);
        BodyReader.drain(startAsync(request, response), bodyTimeout);
    }

    /**
     * Answers while the rest of the body is still to be read into nothing: sent at once, without a Content-Length
     * (Tomcat closes the request's input once an answer of announced length is complete), and the connection closes
     * afterwards (a refused client is owed no keep-alive).
     */
    private void refuseBeforeTheRest(HttpServletRequest request, HttpServletResponse response,
            WebhookRejection rejection) throws IOException {
        response.setHeader(HttpHeaders.CONNECTION, "close");
        refusals.refused(request.getHeader(DELIVERY), request.getHeader(EVENT), rejection);
        answerRefusal(request, response, null, rejection, false);
        response.flushBuffer();
    }

    private AsyncContext startAsync(HttpServletRequest request, HttpServletResponse response) {
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(asyncTimeoutMillis);
        return async;
    }

    /** The whole body is here: verify, parse, store, answer. */
    private void receive(HttpServletRequest request, HttpServletResponse response, Head head, RequestBody body)
            throws IOException {
        String event = head.event();
        try {
            verify(head.signature(), body);
            boolean form = RequestBody.isForm(request.getContentType());
            String json = body.json(form);
            // Parsed from the bytes when they are the JSON (Jackson's byte parser is the faster one), else the form field.
            EventIntent intent = events.interpret(event, form ? parse(json) : parse(body));
            DeliveryOutcome outcome = deliveries.receive(
                    new IncomingDelivery(head.deliveryId(), event, head.signature(), json, intent));
            metrics.delivery(event, outcome);
            WebhookAnswers.write(response, WebhookAnswers.status(event, outcome), WebhookAnswers.of(outcome), true);
        } catch (WebhookRejection rejection) {
            refuse(request, response, rejection.refusal() == Refusal.INVALID_SIGNATURE ? null : event, rejection);
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unavailable(e)) {
                throw e;
            }
            refusals.databaseUnavailable(head.deliveryId(), event, e);
            answerRefusal(request, response, event, new WebhookRejection(Refusal.DATABASE_UNAVAILABLE,
                    "the delivery could not be stored; redeliver it later"), true);
        }
    }

    /** Logs (rate-limited), counts and answers a refusal; {@code verifiedEvent}: the event if the signature matched. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, String verifiedEvent,
            WebhookRejection rejection) throws IOException {
        refusals.refused(request.getHeader(DELIVERY), request.getHeader(EVENT), rejection);
        answerRefusal(request, response, verifiedEvent, rejection, true);
    }

    private void answerRefusal(HttpServletRequest request, HttpServletResponse response, String verifiedEvent,
            WebhookRejection rejection, boolean withLength) throws IOException {
        metrics.refused(verifiedEvent, rejection.refusal());
        if (rejection.refusal().retryLater()) {
            response.setHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        WebhookAnswers.write(response, rejection.status(),
                WebhookAnswers.error(rejection.error(), rejection.getMessage(), request.getHeader(DELIVERY)), withLength);
    }

    private static String requiredHeader(HttpServletRequest request, String name, int maxLength) {
        String value = request.getHeader(name);
        if (value == null || value.isBlank()) {
            throw new WebhookRejection(Refusal.MISSING_HEADER, name + " header is required");
        }
        if (value.length() > maxLength) {
            throw new WebhookRejection(Refusal.INVALID_HEADER, name + " header is longer than " + maxLength + " characters");
        }
        return value.trim();
    }

    private void verify(String signature, RequestBody body) {
        SignatureVerifier.Match match = verifier.verify(signature, body.bytes(), body.length());
        metrics.signature(match);
        if (!match.valid()) {
            throw invalidSignature(match);
        }
    }

    private static WebhookRejection invalidSignature(SignatureVerifier.Match match) {
        return new WebhookRejection(Refusal.INVALID_SIGNATURE, SIGNATURE + switch (match) {
            case MISSING -> " header is missing";
            case MALFORMED -> " is not sha256=<64 hex digits>";
            default -> " does not match the body";
        });
    }

    private static JsonNode parse(String json) {
        return parse(() -> JSON.readTree(json));
    }

    private static JsonNode parse(RequestBody body) {
        return parse(() -> JSON.readTree(body.bytes(), 0, body.length()));
    }

    private static JsonNode parse(Supplier<JsonNode> reader) {
        try {
            JsonNode node = reader.get();
            if (node == null || node.isMissingNode()) {
                throw new WebhookRejection(Refusal.INVALID_JSON, "body is empty");
            }
            return node;
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new WebhookRejection(Refusal.INVALID_JSON,
                    "body is not valid JSON" + where + ": " + e.getOriginalMessage(), "body is not valid JSON" + where);
        }
    }
}
