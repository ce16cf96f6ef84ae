package dev.forgesync.control.ops;

/**
 * The one rule for finding repositories by name, for the ops API's {@code /api/repositories?q=} and the status page's
 * search alike: {@code github_full_name} (of the repositories aliased {@code r}) contains the text, case-insensitively,
 * the text's {@code %}, {@code _} and {@code \} taken literally. V9's trigram index
 * ({@code idx_repositories_full_name_trgm}) serves it.
 */
public final class NameSearch {

    /** The named parameter {@link #CONDITION} reads. */
    public static final String PARAMETER = "pattern";

    /** The condition, on {@code repositories r}. */
    public static final String CONDITION = "r.github_full_name ILIKE :pattern ESCAPE '\\'";

    private NameSearch() {
    }

    /** The bound value of {@link #PARAMETER} for a search {@code text}. */
    public static String pattern(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
