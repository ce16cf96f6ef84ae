package dev.forgesync.ingest.webhook;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Deliveries by event and outcome, signature matches by secret, signature failures by reason. The counters are
 * looked up once per tag combination and kept: a registry lookup per request (builder, tag sort, id hash) showed in
 * the benchmark's profile.
 */
@Component
class WebhookMetrics {

    private final MeterRegistry meters;
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Map<SignatureVerifier.Match, Counter> signatures = new ConcurrentHashMap<>();

    WebhookMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void delivery(String event, String outcome) {
        String tag = event == null ? "none" : event;
        deliveries.computeIfAbsent(tag + '\n' + outcome, key -> Counter.builder("forgesync.webhook.deliveries")
                .description("Webhook deliveries by X-GitHub-Event and outcome")
                .tag("event", tag)
                .tag("outcome", outcome)
                .register(meters)).increment();
    }

    void signature(SignatureVerifier.Match match) {
        signatures.computeIfAbsent(match, this::signatureCounter).increment();
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
