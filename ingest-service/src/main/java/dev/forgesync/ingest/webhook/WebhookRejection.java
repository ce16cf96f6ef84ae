package dev.forgesync.ingest.webhook;

import org.springframework.http.HttpStatus;

/** A refused delivery: the status, a stable error code and a message safe to return and log (never the payload). */
final class WebhookRejection extends RuntimeException {

    private final HttpStatus status;
    private final String error;

    WebhookRejection(HttpStatus status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    HttpStatus status() {
        return status;
    }

    String error() {
        return error;
    }
}
