package dev.forgesync.control.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.forgesync.control.ops.OpsForPages;

/**
 * The Resync and Retry buttons (admin role and a CSRF token, {@link WebSecurityConfiguration}): the same actions as
 * {@code POST /api/repositories/{id}/resync|retry}, then back to the page they came from (post/redirect/get) with
 * what happened, or why nothing did.
 */
@Controller
class ActionsController {

    private final OpsForPages ops;

    ActionsController(OpsForPages ops) {
        this.ops = ops;
    }

    @PostMapping("/repositories/{id}/resync")
    String resync(@PathVariable long id, @RequestParam(required = false) String back, RedirectAttributes flash) {
        return answer(ops.resync(id), id, back, flash);
    }

    @PostMapping("/repositories/{id}/retry")
    String retry(@PathVariable long id, @RequestParam(required = false) String back, RedirectAttributes flash) {
        return answer(ops.retry(id), id, back, flash);
    }

    private static String answer(OpsForPages.Outcome outcome, long id, String back, RedirectAttributes flash) {
        flash.addFlashAttribute(outcome.done() ? "notice" : "actionProblem", outcome.message());
        // Only the two known pages, never a URL from the request: no open redirect.
        return "failures".equals(back) ? "redirect:/failures" : "redirect:/repositories/" + id;
    }
}
