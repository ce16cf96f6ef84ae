package dev.forgesync.control.sources;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A source as stored, with its last discovery.
 *
 * @param include globs a repository must match one of (empty: all); a glob with a {@code /} is matched against
 *                {@code owner/repo}, one without against {@code repo}; {@code *} and {@code ?} stay within a name part
 * @param exclude globs a repository must match none of
 * @param mirrorMode {@code vault} or {@code exact} for its repositories; null: the worker's global mode
 * @param refs    branch and tag globs for its repositories; null (or a null member): the worker's global globs
 */
public record Source(long id, SourceKind kind, String name, List<String> include, List<String> exclude,
                     boolean forks, boolean archived, Long hookId, boolean seeded, Instant createdAt,
                     Instant lastDiscoveredAt, String lastOutcome, String lastError, Integer lastFound,
                     Integer lastRegistered, String mirrorMode, MirrorPolicy.Refs refs) {

    /** How its repositories are mirrored (README "Per-source settings"). */
    public MirrorPolicy policy() {
        return new MirrorPolicy(mirrorMode, refs);
    }

    /** Whether a repository passes this source's filters. */
    public boolean admits(String fullName, boolean isFork, boolean isArchived) {
        if ((isFork && !forks) || (isArchived && !archived)) {
            return false;
        }
        boolean included = include.isEmpty() || include.stream().anyMatch(g -> matches(g, fullName));
        return included && exclude.stream().noneMatch(g -> matches(g, fullName));
    }

    static boolean matches(String glob, String fullName) {
        String subject = glob.contains("/") ? fullName : fullName.substring(fullName.indexOf('/') + 1);
        return toRegex(glob).matcher(subject).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
