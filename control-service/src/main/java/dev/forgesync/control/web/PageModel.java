package dev.forgesync.control.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's frame needs: who is signed in, whether they may act, and how often the page refreshes. */
@ControllerAdvice(assignableTypes = {OverviewController.class, RepositoriesController.class, SignInController.class,
        ActionsController.class, SourcesPageController.class})
class PageModel {

    private final WebProperties properties;

    PageModel(WebProperties properties) {
        this.properties = properties;
    }

    @ModelAttribute("admin")
    boolean admin() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream().anyMatch(a -> TokenSignIn.ADMIN.equals(a.getAuthority()));
    }

    @ModelAttribute("who")
    String who() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()) {
            return null;
        }
        if (auth.getPrincipal() instanceof TokenSignIn.Operator op) {
            return op.label();
        }
        return auth instanceof PreAuthenticatedAuthenticationToken
                ? auth.getName() + (admin() ? " (admin)" : " (read-only)") : null;
    }

    @ModelAttribute("refreshSeconds")
    long refreshSeconds() {
        return properties.refresh().toSeconds();
    }
}
