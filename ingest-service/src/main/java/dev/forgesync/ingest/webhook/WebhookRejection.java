package dev.forgesync.ingest.webhook;

import org.springframework.http.HttpStatus;

/** A refused delivery: the status, a stable error code and a message safe to return and log (never the payload). */
final class WebhookRejection extends RuntimeException {

    private final HttpStatus status;
    private final String error;
    private final String logMessage;

    WebhookRejection(HttpStatus status, String error, String message) {
        this(status, error, message, message);
    }

    /** With a {@code logMessage} for the log line when {@code message} may quote the payload. */
    WebhookRejection(HttpStatus status, String error, String message, String logMessage) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.logMessage = logMessage;
    }

    String logMessage() {
        return logMessage;
    }

    HttpStatus status() {
        return status;
    }

    String error() {
        return error;
    }
}
