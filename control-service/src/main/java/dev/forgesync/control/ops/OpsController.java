package dev.forgesync.control.ops;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.forgesync.control.ops.OpsViews.Activity;
import dev.forgesync.control.ops.OpsViews.FailedSync;
import dev.forgesync.control.ops.OpsViews.PendingSync;
import dev.forgesync.control.ops.OpsViews.RepositoryDetail;
import dev.forgesync.control.ops.OpsViews.RepositorySummary;
import dev.forgesync.control.ops.OpsViews.Statistics;
import dev.forgesync.control.ops.OpsViews.UnprocessedWebhook;

/** The read side of the ops API: the seed's queries, a repository list and one repository's story. */
@RestController
@RequestMapping("/api")
class OpsController {

    private static final int DEFAULT_SIZE = 50;
    private static final int MAX_TEXT = 255;

    private final OpsQueries queries;
    private final RepositoryDetails details;
    private final int maxPageSize;
    private final int countLimit;

    OpsController(OpsQueries queries, RepositoryDetails details, OpsProperties properties) {
        this.queries = queries;
        this.details = details;
        this.maxPageSize = properties.maxPageSize();
        this.countLimit = properties.countLimit();
    }

    @GetMapping("/syncs/pending")
    Page<PendingSync> pending(@RequestParam(required = false) String owner,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        return queries.pending(OpsParams.text("owner", owner, MAX_TEXT), OpsParams.timeCursor(after),
                page(page, size, after));
    }

    @GetMapping("/syncs/failed")
    Page<FailedSync> failed(@RequestParam(defaultValue = "false") boolean all,
            @RequestParam(required = false) String owner,
            @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        return queries.failed(all, OpsParams.text("owner", owner, MAX_TEXT), page(page, size));
    }

    @GetMapping("/syncs/statistics")
    Statistics statistics() {
        return queries.statistics();
    }

    @GetMapping("/syncs/activity")
    Page<Activity> activity(@RequestParam(required = false) Long repository,
            @RequestParam(required = false) String owner, @RequestParam(required = false) String eventType,
            @RequestParam(required = false) String status, @RequestParam(required = false) String since,
            @RequestParam(required = false) String until, @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        var from = OpsParams.instant("since", since);
        var to = OpsParams.instant("until", until);
        OpsParams.requireOrdered(from, to);
        return queries.activity(OpsParams.positiveId("repository", repository), OpsParams.text("owner", owner, MAX_TEXT),
                OpsParams.eventType(eventType), OpsParams.logStatus(status), from, to, OpsParams.timeCursor(after),
                page(page, size, after));
    }

    @GetMapping("/webhooks/unprocessed")
    Page<UnprocessedWebhook> unprocessed(@RequestParam(required = false) String eventType,
            @RequestParam(required = false) String since, @RequestParam(required = false) String until,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        var from = OpsParams.instant("since", since);
        var to = OpsParams.instant("until", until);
        OpsParams.requireOrdered(from, to);
        return queries.unprocessed(OpsParams.text("eventType", eventType, 50), from, to, OpsParams.timeCursor(after),
                page(page, size, after));
    }

    @GetMapping("/repositories")
    Page<RepositorySummary> repositories(@RequestParam(required = false) String status,
            @RequestParam(required = false) String owner, @RequestParam(required = false) String q,
            @RequestParam(required = false) String partial, @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        return queries.repositories(OpsParams.syncStatus(status), OpsParams.text("owner", owner, MAX_TEXT),
                OpsParams.text("q", q, MAX_TEXT), OpsParams.flag("partial", partial), OpsParams.idCursor(after),
                page(page, size, after));
    }

    @GetMapping("/repositories/{id}")
    RepositoryDetail repository(@PathVariable long id, @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer size) {
        return details.find(id, page(page, size))
                .orElseThrow(() -> OpsRejection.notFound("repository " + id + " does not exist"));
    }

    private OpsParams.PageRequest page(Integer page, Integer size) {
        return OpsParams.page(page, size, DEFAULT_SIZE, maxPageSize, countLimit);
    }

    /** A cursor replaces the page number: both at once would skip rows twice. */
    private OpsParams.PageRequest page(Integer page, Integer size, String after) {
        if (after != null && !after.isBlank() && page != null && page != 0) {
            throw OpsRejection.badRequest("'after' and 'page' exclude each other: follow nextCursor without 'page'");
        }
        return page(page, size);
    }
}
