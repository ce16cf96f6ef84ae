package dev.forgesync.control.freshness;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/freshness}: repositories per freshness state and the age of the oldest stale one;
 * {@code GET /api/repositories/{id}/freshness}: one repository's state, when it was checked and why.
 */
@RestController
class FreshnessController {

    private final FreshnessStore store;

    FreshnessController(FreshnessStore store) {
        this.store = store;
    }

    @GetMapping("/api/freshness")
    Map<String, Object> summary() {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Long> states = new LinkedHashMap<>();
        store.counts().forEach((state, n) -> states.put(state.dbValue(), n));
        body.put("states", states);
        body.put("oldestStaleSeconds", store.oldestStaleSeconds());
        return body;
    }

    @GetMapping("/api/repositories/{id}/freshness")
    ResponseEntity<Object> one(@PathVariable long id) {
        return store.of(id).<ResponseEntity<Object>>map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.status(404)
                .body(Map.of("error", "not_found", "message", "no freshness for repository " + id)));
    }
}
