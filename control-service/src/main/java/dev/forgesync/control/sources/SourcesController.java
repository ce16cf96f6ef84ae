package dev.forgesync.control.sources;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

/**
 * {@code /api/sources}: what discovery lists on GitHub. Guarded like the rest of {@code /api} (the ops tokens; a
 * write needs the admin token). Deleting a source stops its discovery; the mirrors it found stay.
 */
@RestController
class SourcesController {

    /** The body of {@code POST /api/sources}. */
    record SourceBody(String kind, String name, List<String> include, List<String> exclude, Boolean forks,
                      Boolean archived, Long hookId, String mirrorMode, JsonNode refs) {
    }

    private final SourceStore store;

    SourcesController(SourceStore store) {
        this.store = store;
    }

    @GetMapping("/api/sources")
    Map<String, Object> list() {
        return Map.of("sources", store.all());
    }

    @PostMapping("/api/sources")
    ResponseEntity<Object> add(@RequestBody SourceBody body) {
        NewSource source;
        try {
            source = new NewSource(body.kind() == null ? null : SourceKind.parse(body.kind()), body.name(),
                    body.include(), body.exclude(), Boolean.TRUE.equals(body.forks()),
                    body.archived() == null || body.archived(), body.hookId(),
                    new MirrorPolicy(body.mirrorMode(), RefsBody.read(body.refs())));
        } catch (IllegalArgumentException invalid) {
            return error(HttpStatus.BAD_REQUEST, "invalid_source", invalid.getMessage());
        }
        return store.add(source, false).<ResponseEntity<Object>>map(s -> ResponseEntity.status(201).body(s))
                .orElseGet(() -> error(HttpStatus.CONFLICT, "duplicate_source",
                        "a source " + source.kind().dbValue() + ":" + source.name() + " exists"));
    }

    @DeleteMapping("/api/sources/{id}")
    ResponseEntity<Object> delete(@PathVariable long id) {
        return store.delete(id) ? ResponseEntity.noContent().build()
                : error(HttpStatus.NOT_FOUND, "not_found", "no source " + id);
    }

    private static ResponseEntity<Object> error(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(Map.of("error", error, "message", message));
    }
}
