package dev.forgesync.control.ops;

import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.forgesync.control.replay.ReplayReport;
import dev.forgesync.control.replay.ReplaySelection;
import dev.forgesync.control.replay.WebhookReplay;

/** The write side of the ops API (admin token only): resync, retry, replay. */
@RestController
@RequestMapping("/api")
class OpsActionsController {

    private final RepositoryActions actions;
    private final WebhookReplay replay;

    OpsActionsController(RepositoryActions actions, WebhookReplay replay) {
        this.actions = actions;
        this.replay = replay;
    }

    /** Re-arms the repository from any final state and requests a sync ({@code 202}; the request is in the outbox). */
    @PostMapping("/repositories/{id}/resync")
    ResponseEntity<RepositoryActions.Requested> resync(@PathVariable long id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(actions.resync(id));
    }

    /** Gives a {@code permanent_failure} its retries back and requests a sync; any other state is {@code 409}. */
    @PostMapping("/repositories/{id}/retry")
    ResponseEntity<RepositoryActions.Requested> retry(@PathVariable long id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(actions.retry(id));
    }

    /** Body {@code {"deliveryIds": [...]}} or {@code {"since": ..., "until": ...}}, optionally {@code "force": true}. */
    @PostMapping("/webhooks/replay")
    ResponseEntity<ReplayReport> replay(@RequestBody ReplayBody body) {
        ReplaySelection selection = new ReplaySelection(body.deliveryIds(), instant("since", body.since()),
                instant("until", body.until()), Boolean.TRUE.equals(body.force()));
        ReplayReport report = replay.replay(selection);
        return ResponseEntity.status(report.complete() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(report);
    }

    record ReplayBody(List<String> deliveryIds, String since, String until, Boolean force) {
    }

    private static Instant instant(String name, String value) {
        var parsed = OpsParams.instant(name, value);
        return parsed == null ? null : parsed.toInstant();
    }
}
