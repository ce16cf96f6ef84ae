package dev.forgesync.ingest.github;

import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The events table of DESIGN.md as code: turns an event name and its parsed payload into an {@link EventIntent}.
 * Pure (no I/O), so the whole table is a unit test.
 */
public final class GithubEvents {

    private static final Set<String> SYNC_EVENTS = Set.of("push", "create", "delete");
    private static final Set<String> REFRESH_ACTIONS = Set.of(
            "created", "renamed", "transferred", "privatized", "publicized", "archived", "unarchived", "edited");
    private static final Set<String> METADATA_FIELDS = Set.of(
            "description", "language", "archived", "disabled", "fork", "visibility", "topics", "homepage",
            "stargazers_count", "pushed_at", "node_id");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** {@code repositories.github_default_branch} is VARCHAR(100); Git allows longer branch names. */
    static final int MAX_DEFAULT_BRANCH = 100;

    private final StarDeletedPolicy starDeleted;

    public GithubEvents(StarDeletedPolicy starDeleted) {
        this.starDeleted = starDeleted;
    }

    public EventIntent interpret(String event, JsonNode payload) {
        if (!payload.isObject()) {
            return new EventIntent.Invalid(event, "payload is not a JSON object");
        }
        String action = text(payload, "action");
        if ("ping".equals(event)) {
            return new EventIntent.Ignore(event, "ping");
        }
        if (SYNC_EVENTS.contains(event)
                || ("watch".equals(event) && "started".equals(action))
                || ("star".equals(event) && "created".equals(action))) {
            return withRepository(event, payload, repo -> new EventIntent.Sync(event, repo, false));
        }
        if ("star".equals(event) && "deleted".equals(action)) {
            return starDeleted(event, payload);
        }
        if ("repository".equals(event)) {
            return repositoryEvent(event, action, payload);
        }
        return new EventIntent.Ignore(event, action == null ? event : event + " " + action);
    }

    private EventIntent starDeleted(String event, JsonNode payload) {
        if (starDeleted == StarDeletedPolicy.KEEP) {
            return new EventIntent.Ignore(event, "star deleted (forgesync.webhook.star-deleted=keep)");
        }
        return withRepository(event, payload, repo -> new EventIntent.StopSyncing(event, repo, "star deleted"));
    }

    private EventIntent repositoryEvent(String event, String action, JsonNode payload) {
        if ("deleted".equals(action)) {
            return withRepository(event, payload,
                    repo -> new EventIntent.StopSyncing(event, repo, "repository deleted on GitHub"));
        }
        if (action != null && REFRESH_ACTIONS.contains(action)) {
            return withRepository(event, payload, repo -> new EventIntent.Sync(event, repo, true));
        }
        return new EventIntent.Ignore(event, action == null ? event : event + " " + action);
    }

    private EventIntent withRepository(String event, JsonNode payload,
            java.util.function.Function<GithubRepository, EventIntent> intent) {
        JsonNode repo = payload.get("repository");
        if (repo == null || !repo.isObject()) {
            return new EventIntent.Invalid(event, "payload has no repository object");
        }
        String missing = firstMissing(repo);
        if (missing != null) {
            return new EventIntent.Invalid(event, "payload lacks repository." + missing);
        }
        return intent.apply(repository(repo));
    }

    private static String firstMissing(JsonNode repo) {
        if (!repo.path("id").isIntegralNumber()) {
            return "id";
        }
        for (String field : new String[] {"full_name", "name", "html_url"}) {
            if (text(repo, field) == null || text(repo, field).isBlank()) {
                return field;
            }
        }
        if (!text(repo, "full_name").contains("/")) {
            return "full_name (owner/name)";
        }
        return null;
    }

    private static GithubRepository repository(JsonNode repo) {
        String fullName = text(repo, "full_name");
        String owner = repo.path("owner").path("login").isString()
                ? repo.path("owner").path("login").stringValue()
                : fullName.substring(0, fullName.indexOf('/'));
        JsonNode size = repo.get("size");
        return new GithubRepository(
                repo.get("id").longValue(),
                owner,
                text(repo, "name"),
                fullName,
                text(repo, "html_url"),
                fitting(text(repo, "default_branch")),
                repo.path("private").asBoolean(false),
                size != null && size.canConvertToInt() ? size.intValue() : null,
                metadata(repo));
    }

    /**
     * A default branch the column cannot hold is left unknown (NULL) rather than refusing the repository: the worker
     * then follows the HEAD the source advertises, which names the same branch.
     */
    private static String fitting(String defaultBranch) {
        return defaultBranch == null || defaultBranch.length() > MAX_DEFAULT_BRANCH ? null : defaultBranch;
    }

    private static ObjectNode metadata(JsonNode repo) {
        ObjectNode meta = JSON.createObjectNode();
        for (String field : METADATA_FIELDS) {
            JsonNode value = repo.get(field);
            if (value != null && !value.isNull()) {
                meta.set(field, value);
            }
        }
        return meta;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }
}
