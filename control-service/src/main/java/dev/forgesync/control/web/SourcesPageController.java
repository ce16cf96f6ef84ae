package dev.forgesync.control.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import dev.forgesync.control.sources.SourceStore;

/** {@code /sources}: what discovery lists on GitHub, how each source's repositories are mirrored, and its last pass. */
@Controller
class SourcesPageController {

    private final SourceStore sources;

    SourcesPageController(SourceStore sources) {
        this.sources = sources;
    }

    @GetMapping("/sources")
    String sources(Model model) {
        model.addAttribute("sources", sources.all());
        return "sources";
    }
}
