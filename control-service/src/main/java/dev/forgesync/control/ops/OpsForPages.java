package dev.forgesync.control.ops;

import org.springframework.stereotype.Component;

/**
 * The ops side as the status page ({@code dev.forgesync.control.web}) uses it, so the page reuses the API's rules
 * instead of copying them: the same token check as {@link OpsAuthFilter} for its sign-in, and the same
 * {@link RepositoryActions} for its Resync and Retry buttons. Refusals come back as values with the API's message.
 */
@Component
public class OpsForPages {

    /** What a token may do on the page: nothing, look, or also act. */
    public enum Access { NONE, READ, ADMIN }

    /** What a button did: done (with what happened) or refused (with why, e.g. not a permanent failure). */
    public record Outcome(boolean done, String message) {
    }

    private final OpsTokens tokens;
    private final RepositoryActions actions;

    OpsForPages(OpsProperties properties, RepositoryActions actions) {
        this.tokens = new OpsTokens(properties);
        this.actions = actions;
    }

    /** The access of a bare token typed into the sign-in form, decided exactly as for a bearer header. */
    public Access accessOf(String token) {
        if (token == null || token.isBlank()) {
            return Access.NONE;
        }
        return switch (tokens.accessOf("Bearer " + token)) {
            case ADMIN -> Access.ADMIN;
            case READ -> Access.READ;
            case NONE -> Access.NONE;
        };
    }

    /** Whether any token is configured at all (otherwise nobody can sign in). */
    public boolean signInPossible() {
        return tokens.enabled();
    }

    public Outcome resync(long repositoryId) {
        try {
            return describe(actions.resync(repositoryId));
        } catch (OpsRejection e) {
            return new Outcome(false, e.getMessage());
        }
    }

    public Outcome retry(long repositoryId) {
        try {
            return describe(actions.retry(repositoryId));
        } catch (OpsRejection e) {
            return new Outcome(false, e.getMessage());
        }
    }

    private static Outcome describe(RepositoryActions.Requested requested) {
        String trigger = "resync".equals(requested.trigger()) ? "Resync" : "Retry";
        return new Outcome(true, trigger + " requested for " + requested.fullName() + " (was "
                + requested.previousStatus() + (requested.rearmed() ? ", now pending" : ", left as it was")
                + "); request " + requested.requestId() + ".");
    }
}
