package dev.forgesync.control.ops;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.forgesync.control.replay.InvalidReplayException;
import dev.forgesync.requests.database.DatabaseFailures;

/** Every ops refusal as {@code {"error": ..., "message": ...}}, the shape the webhook endpoint's refusals have. */
@RestControllerAdvice(basePackageClasses = OpsErrors.class)
class OpsErrors {

    private static final Logger log = LoggerFactory.getLogger(OpsErrors.class);

    @ExceptionHandler(OpsRejection.class)
    ResponseEntity<Map<String, Object>> rejected(OpsRejection rejection, HttpServletRequest request) {
        log.info("ops API {} {}: {} {}", request.getMethod(), request.getRequestURI(), rejection.status().value(),
                rejection.getMessage());
        return answer(rejection.status(), rejection.error(), rejection.getMessage());
    }

    @ExceptionHandler(InvalidReplayException.class)
    ResponseEntity<Map<String, Object>> invalidReplay(InvalidReplayException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_request", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, Object>> typeMismatch(MethodArgumentTypeMismatchException e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_request", "'" + e.getName() + "' must be a number");
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<Map<String, Object>> unreadable(Exception e) {
        return answer(HttpStatus.BAD_REQUEST, "invalid_request", "the body must be a JSON object (Content-Type: application/json)");
    }

    /**
     * The database failed: unavailable, or the request met another transaction, is 503 (try again); anything else is
     * a 500 whose cause is logged, never shown. {@link DatabaseFailures} decides, as it does for the webhook endpoint.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<Map<String, Object>> databaseFailed(Exception e, HttpServletRequest request) {
        if (DatabaseFailures.unavailable(e)) {
            log.error("ops API {} {}: database unavailable, answered 503: {}", request.getMethod(),
                    request.getRequestURI(), e.toString());
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable", "the database cannot be reached; try again");
        }
        if (DatabaseFailures.race(e)) {
            log.warn("ops API {} {}: met a concurrent transaction, answered 503: {}", request.getMethod(),
                    request.getRequestURI(), DatabaseFailures.databaseReason(e));
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable",
                    "the database could not complete the request now; try again");
        }
        log.error("ops API {} {}: database error, answered 500", request.getMethod(), request.getRequestURI(), e);
        return answer(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "the request failed; see the service's log");
    }

    static ResponseEntity<Map<String, Object>> answer(HttpStatus status, String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        return ResponseEntity.status(status).body(body);
    }
}
