package dev.forgesync.ingest.webhook;

import org.springframework.http.HttpStatus;

/** A refused delivery: why, and a message safe to return and log (never the payload). */
final class WebhookRejection extends RuntimeException {

    private final Refusal refusal;
    private final String logMessage;

    WebhookRejection(Refusal refusal, String message) {
        this(refusal, message, message);
    }

    /** With a {@code logMessage} for the log line when {@code message} may quote the payload. */
    WebhookRejection(Refusal refusal, String message, String logMessage) {
        super(message, null, false, false);
        this.refusal = refusal;
        this.logMessage = logMessage;
    }

    Refusal refusal() {
        return refusal;
    }

    String logMessage() {
        return logMessage;
    }

    HttpStatus status() {
        return refusal.status();
    }

    String error() {
        return refusal.code();
    }
}
