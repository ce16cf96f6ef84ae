package dev.forgesync.ingest.webhook;

import org.springframework.http.HttpStatus;

/**
 * Every way the endpoint refuses a delivery: its status and the stable {@code error} code of the answer. The metric's
 * {@code outcome} tag is {@code refused_<code>}, so its values come from this list and never from a request.
 */
enum Refusal {
    MISSING_HEADER(HttpStatus.BAD_REQUEST, "missing_header"),
    INVALID_HEADER(HttpStatus.BAD_REQUEST, "invalid_header"),
    INVALID_SIGNATURE(HttpStatus.UNAUTHORIZED, "invalid_signature"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large"),
    BODY_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, "body_timeout"),
    BUSY(HttpStatus.SERVICE_UNAVAILABLE, "busy"),
    INVALID_JSON(HttpStatus.BAD_REQUEST, "invalid_json"),
    INVALID_FORM(HttpStatus.BAD_REQUEST, "invalid_form"),
    DATABASE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable");

    private final HttpStatus status;
    private final String code;

    Refusal(HttpStatus status, String code) {
        this.status = status;
        this.code = code;
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }

    String outcome() {
        return "refused_" + code;
    }

    /** A 503 asks GitHub (or an operator) to redeliver later: it carries {@code Retry-After}. */
    boolean retryLater() {
        return status == HttpStatus.SERVICE_UNAVAILABLE;
    }
}
