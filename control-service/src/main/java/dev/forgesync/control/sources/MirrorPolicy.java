package dev.forgesync.control.sources;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A source's override of how the worker mirrors the repositories it brings (README "Vault and exact mode"): the
 * mode ({@code vault} or {@code exact}) and the branch and tag globs. A null member keeps the worker's global
 * setting of the same name ({@code FORGESYNC_MIRROR_MODE}, {@code FORGESYNC_MIRROR_BRANCHES_INCLUDE}, ...); an
 * empty list is a list of its own (no globs). Globs are names relative to {@code refs/heads/} or {@code refs/tags/},
 * {@code *} within a segment, {@code **} across segments, {@code ?} one character, as the worker reads them.
 */
public record MirrorPolicy(String mirrorMode, Refs refs) {

    /** The JSON {@code "refs": {"branches": {"include": [...], "exclude": [...]}, "tags": {...}}}. */
    public record Refs(Globs branches, Globs tags) {
    }

    /** Include globs (empty: all) and exclude globs (win over include); null: the global list. */
    public record Globs(List<String> include, List<String> exclude) {
    }

    /** No override: every setting is the worker's global one. */
    public static final MirrorPolicy GLOBAL = new MirrorPolicy(null, null);

    /** Characters git refuses in a ref name ({@code git check-ref-format}), and {@code [ ]} the globs do not know. */
    private static final Pattern FORBIDDEN = Pattern.compile("[\\x00-\\x20\\x7f~^:\\\\\\[\\]]|\\.\\.|@\\{|//|\\*\\*\\*");

    public MirrorPolicy {
        if (mirrorMode != null) {
            String mode = mirrorMode.trim().toLowerCase(Locale.ROOT);
            if (!mode.equals("vault") && !mode.equals("exact")) {
                throw new IllegalArgumentException("'mirrorMode' must be vault or exact, not '" + mirrorMode + "'");
            }
            mirrorMode = mode;
        }
        if (refs != null) {
            refs = new Refs(checked("refs.branches", refs.branches()), checked("refs.tags", refs.tags()));
        }
    }

    public List<String> branchesInclude() {
        return refs == null || refs.branches() == null ? null : refs.branches().include();
    }

    public List<String> branchesExclude() {
        return refs == null || refs.branches() == null ? null : refs.branches().exclude();
    }

    public List<String> tagsInclude() {
        return refs == null || refs.tags() == null ? null : refs.tags().include();
    }

    public List<String> tagsExclude() {
        return refs == null || refs.tags() == null ? null : refs.tags().exclude();
    }

    /** From the stored columns; a source with none set is {@link #GLOBAL}. */
    static MirrorPolicy of(String mode, List<String> branchesInclude, List<String> branchesExclude,
                           List<String> tagsInclude, List<String> tagsExclude) {
        Globs branches = branchesInclude == null && branchesExclude == null ? null
                : new Globs(branchesInclude, branchesExclude);
        Globs tags = tagsInclude == null && tagsExclude == null ? null : new Globs(tagsInclude, tagsExclude);
        return new MirrorPolicy(mode, branches == null && tags == null ? null : new Refs(branches, tags));
    }

    private static Globs checked(String where, Globs globs) {
        if (globs == null) {
            return null;
        }
        return new Globs(checked(where + ".include", globs.include()), checked(where + ".exclude", globs.exclude()));
    }

    private static List<String> checked(String where, List<String> globs) {
        if (globs == null) {
            return null;
        }
        for (String glob : globs) {
            String problem = problem(glob);
            if (problem != null) {
                throw new IllegalArgumentException("'" + where + "' glob " + (glob == null ? "null" : "'" + glob + "'")
                        + " " + problem);
            }
        }
        return List.copyOf(globs);
    }

    /** Why {@code glob} is not a ref glob, or null. */
    static String problem(String glob) {
        if (glob == null || glob.isBlank()) {
            return "is empty";
        }
        if (glob.length() > 200) {
            return "is longer than 200 characters";
        }
        if (glob.startsWith("refs/")) {
            return "must name a branch or tag without refs/heads/ or refs/tags/";
        }
        if (glob.startsWith("/") || glob.endsWith("/") || glob.endsWith(".") || glob.endsWith(".lock")) {
            return "cannot start or end with '/' or end with '.' or '.lock'";
        }
        if (FORBIDDEN.matcher(glob).find()) {
            return "contains what a git ref name cannot (space, control characters, ~ ^ : \\ [ ] .. @{ //) "
                    + "or ***; use * within a segment, ** across segments, ? for one character";
        }
        return null;
    }
}
