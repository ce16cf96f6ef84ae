package dev.forgesync.control.web;

import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

import dev.forgesync.control.ops.RefHistory;
import dev.forgesync.schema.SyncStatus;

/** {@code /repositories} (search and filter), {@code /repositories/{id}} (one repository) and {@code /failures}. */
@Controller
class RepositoriesController {

    static final int MAX_QUERY = 255;
    /** Archived tips shown on a repository's page (newest first); {@code /api/repositories/{id}} lists more. */
    static final int ARCHIVED_SHOWN = 100;

    private final RepositoryQueries queries;
    private final RefHistory refs;
    private final WebProperties properties;

    RepositoriesController(RepositoryQueries queries, RefHistory refs, WebProperties properties) {
        this.queries = queries;
        this.refs = refs;
        this.properties = properties;
    }

    @GetMapping("/repositories")
    String list(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
            @RequestParam(required = false) String partial, @RequestParam(required = false) String after, Model model,
            HttpServletResponse response) {
        String name = q == null || q.isBlank() ? null : q.strip();
        String wanted = status == null || status.isBlank() ? null : status.strip();
        boolean onlyPartial = "true".equals(partial);
        model.addAttribute("q", name == null ? "" : name);
        model.addAttribute("status", wanted == null ? "" : wanted);
        model.addAttribute("partial", onlyPartial);
        model.addAttribute("statuses", Arrays.stream(SyncStatus.values()).map(SyncStatus::dbValue).toList());
        String problem = partial == null || partial.isBlank() || onlyPartial ? problem(name, wanted, after)
                : "'partial' must be true or absent.";
        if (problem != null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("problem", problem);
            model.addAttribute("slice", new RepositoryPages.Slice<>(List.of(), null));
            return "repositories";
        }
        model.addAttribute("slice", queries.list(wanted, name, onlyPartial, cursor(after),
                properties.pageSize()));
        model.addAttribute("paged", after != null && !after.isBlank());
        return "repositories";
    }

    @GetMapping("/repositories/{id}")
    String one(@PathVariable long id, Model model, HttpServletResponse response) {
        var repository = queries.one(id);
        if (repository.isEmpty()) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            model.addAttribute("problem", "Repository " + id + " does not exist.");
            return "repository";
        }
        model.addAttribute("repository", repository.get());
        model.addAttribute("timeline", queries.timeline(id, properties.timeline()));
        model.addAttribute("webhooks", queries.webhooks(id));
        model.addAttribute("archived", refs.archived(id, ARCHIVED_SHOWN));
        model.addAttribute("rejected", refs.rejected(id));
        return "repository";
    }

    @GetMapping("/failures")
    String failures(@RequestParam(required = false) String before, Model model, HttpServletResponse response) {
        if (before != null && !before.isBlank() && cursor(before) == null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("problem", "'before' must be a repository id.");
            model.addAttribute("slice", new RepositoryPages.Slice<>(List.of(), null));
            return "failures";
        }
        model.addAttribute("slice", queries.failures(cursor(before), properties.pageSize()));
        model.addAttribute("paged", before != null && !before.isBlank());
        return "failures";
    }

    private static String problem(String name, String status, String after) {
        if (name != null && name.length() > MAX_QUERY) {
            return "The name to search for must be at most " + MAX_QUERY + " characters.";
        }
        if (status != null && Arrays.stream(SyncStatus.values()).noneMatch(s -> s.dbValue().equals(status))) {
            return "Unknown status '" + abbreviate(status) + "'.";
        }
        if (after != null && !after.isBlank() && cursor(after) == null) {
            return "'after' must be a repository id.";
        }
        return null;
    }

    /** A positive id, or null when absent or not one. */
    private static Long cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.strip());
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
