package dev.forgesync.control.sources;

import java.util.Locale;

/** What a source lists on GitHub, and where (docs.github.com/rest/repos/repos and rest/activity/starring). */
public enum SourceKind {
    /** {@code GET /orgs/{org}/repos}. */
    ORG,
    /** {@code GET /users/{username}/repos}. */
    USER,
    /** {@code GET /users/{username}/starred}: repositories of any owner. */
    STARRED,
    /** {@code GET /repos/{owner}/{repo}}. */
    REPOSITORY;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SourceKind parse(String value) {
        for (SourceKind kind : values()) {
            if (kind.dbValue().equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown source kind '" + value + "' (org, user, starred or repository)");
    }
}
