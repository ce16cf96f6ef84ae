package dev.forgesync.control.web;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /}: the state of the whole pipeline at a glance. */
@Controller
class OverviewController {

    private final OverviewQueries queries;
    private final ConsumerLag lag;

    OverviewController(OverviewQueries queries, ConsumerLag lag) {
        this.queries = queries;
        this.lag = lag;
    }

    @GetMapping("/")
    String overview(Model model) {
        LocalDateTime firstHour = queries.firstHour();
        var statuses = queries.statuses();
        model.addAttribute("overview", new Overview(statuses,
                statuses.stream().mapToLong(Overview.StatusCount::count).sum(),
                queries.webhooksPerHour(firstHour), queries.syncsPerHour(firstHour), queries.durations(firstHour),
                queries.failuresByCode(firstHour), queries.backlog(), lag.read(), OffsetDateTime.now(ZoneOffset.UTC)));
        return "overview";
    }
}
