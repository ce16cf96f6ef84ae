package dev.forgesync.ingest.webhook;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.forgesync.ingest.delivery.DeliveryOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Deliveries by event and outcome, signature matches by secret, signature failures by reason, body bytes held. Every
 * tag value comes from a fixed set ({@link EventNames}, {@link DeliveryOutcome}, {@link Refusal}), never from a
 * request as it is: a registry keeps each series for ever, so a header copied into a tag would let anyone grow the
 * heap one request at a time. The counters are looked up once per tag combination and kept: a registry lookup per
 * request (builder, tag sort, id hash) showed in the benchmark's profile.
 */
@Component
class WebhookMetrics {

    private final MeterRegistry meters;
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Map<SignatureVerifier.Match, Counter> signatures = new ConcurrentHashMap<>();

    WebhookMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A delivery whose signature matched, by its event and what storing it came to. */
    void delivery(String event, DeliveryOutcome outcome) {
        count(EventNames.tag(event), outcome.name());
    }

    /** A refusal; {@code verifiedEvent} is the event once the signature matched, else null. */
    void refused(String verifiedEvent, Refusal refusal) {
        count(verifiedEvent == null ? EventNames.UNVERIFIED : EventNames.tag(verifiedEvent), refusal.outcome());
    }

    void signature(SignatureVerifier.Match match) {
        signatures.computeIfAbsent(match, this::signatureCounter).increment();
    }

    /** Body bytes held by requests in flight (the budget's use). */
    void bodyBytes(BodyBudget budget) {
        Gauge.builder("forgesync.webhook.body.bytes", budget, BodyBudget::used)
                .description("Webhook body bytes held in memory by requests in flight (bounded by max-body-bytes-in-flight)")
                .baseUnit("bytes")
                .register(meters);
    }

    private void count(String event, String outcome) {
        deliveries.computeIfAbsent(event + '\n' + outcome, key -> Counter.builder("forgesync.webhook.deliveries")
                .description("Webhook deliveries by X-GitHub-Event (GitHub's names, other or unverified) and outcome")
                .tag("event", event)
                .tag("outcome", outcome)
                .register(meters)).increment();
    }

    private Counter signatureCounter(SignatureVerifier.Match match) {
        if (match.valid()) {
            return Counter.builder("forgesync.webhook.signature.matches")
                    .description("Valid signatures by the secret that matched (current or previous, during rotation)")
                    .tag("secret", match.name().toLowerCase())
                    .register(meters);
        }
        return Counter.builder("forgesync.webhook.signature.failures")
                .description("Deliveries refused for a missing, malformed or wrong signature")
                .tag("reason", match.name().toLowerCase())
                .register(meters);
    }
}
