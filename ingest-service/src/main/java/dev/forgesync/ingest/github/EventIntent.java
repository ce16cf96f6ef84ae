package dev.forgesync.ingest.github;

/**
 * What one delivery asks forgesync to do, decided from its event name, action and payload alone (no database).
 * Expected outcomes are values: an event forgesync does not act on is {@link Ignore}, a payload that lacks what its
 * event needs is {@link Invalid}; both are stored with their reason and never lost.
 */
public sealed interface EventIntent {

    /** The event name as GitHub sent it ({@code X-GitHub-Event}), the sync request's trigger. */
    String event();

    /**
     * Register the repository if new, re-arm it if known, and request a sync. With {@code refresh} the known row's
     * GitHub fields (URL, names, owner, privacy, metadata) are rewritten from the payload, found by
     * {@code github_repo_id}: renames, transfers, visibility and archive changes.
     */
    record Sync(String event, GithubRepository repository, boolean refresh) implements EventIntent {
    }

    /** Stop syncing the repository and keep its mirror (deleted on GitHub, or unstarred when so configured). */
    record StopSyncing(String event, GithubRepository repository, String reason) implements EventIntent {
    }

    /** Stored and marked processed with {@code ignored: <reason>}; nothing else happens. */
    record Ignore(String event, String reason) implements EventIntent {
    }

    /** Stored and marked processed with the reason the payload cannot be acted on. */
    record Invalid(String event, String reason) implements EventIntent {
    }
}
