package dev.forgesync.control.sources;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A source to add, as {@code POST /api/sources} takes it or as one {@code FORGESYNC_SOURCES} entry names it, with
 * how its repositories are mirrored ({@code policy}: the global settings unless it overrides them).
 * Invalid input is refused with a message saying what is wrong.
 */
public record NewSource(SourceKind kind, String name, List<String> include, List<String> exclude, boolean forks,
                        boolean archived, Long hookId, MirrorPolicy policy) {

    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    public NewSource {
        include = include == null ? List.of() : List.copyOf(include);
        policy = policy == null ? MirrorPolicy.GLOBAL : policy;
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        if (kind == null) {
            throw new IllegalArgumentException("'kind' is required: org, user, starred or repository");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("'name' is required");
        }
        name = name.trim();
        if (!validName(kind, name)) {
            throw new IllegalArgumentException("'name' " + (kind == SourceKind.REPOSITORY
                    ? "must be owner/repo" : "must be a GitHub login") + " for kind " + kind.dbValue());
        }
        if (include.stream().anyMatch(g -> g == null || g.isBlank() || g.length() > 200)
                || exclude.stream().anyMatch(g -> g == null || g.isBlank() || g.length() > 200)) {
            throw new IllegalArgumentException("globs must be non-empty and at most 200 characters");
        }
    }

    /** A source that mirrors with the global settings. */
    public NewSource(SourceKind kind, String name, List<String> include, List<String> exclude, boolean forks,
                     boolean archived, Long hookId) {
        this(kind, name, include, exclude, forks, archived, hookId, MirrorPolicy.GLOBAL);
    }

    /** One {@code FORGESYNC_SOURCES} entry: {@code org:acme}, {@code starred:octocat}, {@code repository:acme/x}. */
    public static NewSource parse(String entry) {
        int colon = entry.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("source '" + entry + "' is not <kind>:<name>, e.g. org:acme");
        }
        return new NewSource(SourceKind.parse(entry.substring(0, colon).trim()), entry.substring(colon + 1),
                List.of(), List.of(), false, true, null);
    }

    private static boolean validName(SourceKind kind, String name) {
        if (kind != SourceKind.REPOSITORY) {
            return LOGIN.matcher(name).matches();
        }
        String[] parts = name.split("/", -1);
        return parts.length == 2 && LOGIN.matcher(parts[0]).matches() && REPO.matcher(parts[1]).matches();
    }
}
