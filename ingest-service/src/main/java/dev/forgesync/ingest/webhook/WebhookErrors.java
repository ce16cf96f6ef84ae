package dev.forgesync.ingest.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every refusal as a JSON body {@code {"error": ..., "message": ..., "deliveryId": ...}} and one log line with the
 * delivery id and event, never the payload. A database that cannot be reached within the pool's connection timeout
 * is a {@code 503} with {@code Retry-After}: GitHub records a failed delivery an operator can redeliver.
 */
@RestControllerAdvice(assignableTypes = WebhookController.class)
class WebhookErrors {

    private static final Logger log = LoggerFactory.getLogger(WebhookErrors.class);

    private final WebhookMetrics metrics;
    private final long retryAfterSeconds;

    WebhookErrors(WebhookMetrics metrics, WebhookProperties properties) {
        this.metrics = metrics;
        this.retryAfterSeconds = Math.max(1, properties.retryAfter().toSeconds());
    }

    @ExceptionHandler(WebhookRejection.class)
    ResponseEntity<Map<String, Object>> rejected(WebhookRejection rejection, HttpServletRequest request) {
        log.warn("delivery {} event {}: refused {} {}: {}", request.getHeader(WebhookController.DELIVERY),
                request.getHeader(WebhookController.EVENT), rejection.status().value(), rejection.error(),
                rejection.logMessage());
        metrics.delivery(request.getHeader(WebhookController.EVENT), "refused_" + rejection.error());
        return ResponseEntity.status(rejection.status()).body(body(rejection.error(), rejection.getMessage(), request));
    }

    @ExceptionHandler({CannotCreateTransactionException.class, DataAccessResourceFailureException.class,
            TransientDataAccessException.class, RecoverableDataAccessException.class})
    ResponseEntity<Map<String, Object>> databaseUnavailable(Exception e, HttpServletRequest request) {
        log.error("delivery {} event {}: database unavailable, answered 503: {}",
                request.getHeader(WebhookController.DELIVERY), request.getHeader(WebhookController.EVENT), e.toString());
        metrics.delivery(request.getHeader(WebhookController.EVENT), "refused_database_unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .body(body("database_unavailable", "the delivery could not be stored; redeliver it later", request));
    }

    private static Map<String, Object> body(String error, String message, HttpServletRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        String deliveryId = request.getHeader(WebhookController.DELIVERY);
        if (deliveryId != null) {
            body.put("deliveryId", deliveryId);
        }
        return body;
    }
}
