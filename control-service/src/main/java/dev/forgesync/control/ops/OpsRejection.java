package dev.forgesync.control.ops;

import org.springframework.http.HttpStatus;

/** A refused ops request: the status, a stable error code and a message that says what to change. */
final class OpsRejection extends RuntimeException {

    private final HttpStatus status;
    private final String error;

    OpsRejection(HttpStatus status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    static OpsRejection badRequest(String message) {
        return new OpsRejection(HttpStatus.BAD_REQUEST, "invalid_request", message);
    }

    static OpsRejection notFound(String message) {
        return new OpsRejection(HttpStatus.NOT_FOUND, "not_found", message);
    }

    HttpStatus status() {
        return status;
    }

    String error() {
        return error;
    }
}
