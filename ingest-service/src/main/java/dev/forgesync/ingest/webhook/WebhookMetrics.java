package dev.forgesync.ingest.webhook;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Deliveries by event and outcome, signature matches by secret, signature failures by reason. */
@Component
class WebhookMetrics {

    private final MeterRegistry meters;

    WebhookMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void delivery(String event, String outcome) {
        Counter.builder("forgesync.webhook.deliveries")
                .description("Webhook deliveries by X-GitHub-Event and outcome")
                .tag("event", event == null ? "none" : event)
                .tag("outcome", outcome)
                .register(meters).increment();
    }

    void signature(SignatureVerifier.Match match) {
        if (match.valid()) {
            Counter.builder("forgesync.webhook.signature.matches")
                    .description("Valid signatures by the secret that matched (current or previous, during rotation)")
                    .tag("secret", match.name().toLowerCase())
                    .register(meters).increment();
        } else {
            Counter.builder("forgesync.webhook.signature.failures")
                    .description("Deliveries refused for a missing, malformed or wrong signature")
                    .tag("reason", match.name().toLowerCase())
                    .register(meters).increment();
        }
    }
}
