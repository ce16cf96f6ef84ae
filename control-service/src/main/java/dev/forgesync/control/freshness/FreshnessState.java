package dev.forgesync.control.freshness;

import java.util.Locale;

/** Whether a mirror is verifiably current (README "Freshness"). */
public enum FreshnessState {
    /** Not compared yet. */
    UNCHECKED,
    /** The source's branch and tag tips are those the last sync pushed. */
    FRESH,
    /** The source moved since the last sync (a missed event): a sync was requested or is running. */
    STALE,
    /** The repository's syncs fail ({@code failed} or {@code permanent_failure}). */
    FAILING,
    /** The source answers 404 or 410: the mirror is frozen and kept. */
    SOURCE_GONE,
    /** The source refuses the credentials (401 or 403). */
    AUTH_BROKEN;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FreshnessState parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
