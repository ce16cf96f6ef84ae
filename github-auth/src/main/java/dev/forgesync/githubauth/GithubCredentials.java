package dev.forgesync.githubauth;

/**
 * How forgesync proves who it is to GitHub: nothing (public repositories only), one configured token, or a GitHub
 * App's installation access tokens. The token of a request depends on what it is about ({@link GithubTarget}): an
 * App has one installation per account. A token is only ever sent in a header ({@code Authorization: Bearer} on the
 * REST API, Basic {@code x-access-token:<token>} on git smart HTTP): never in a URL, a log line, a stored row or an
 * exception message. Thread-safe.
 */
public interface GithubCredentials {

    /** The token to send for a request about {@code target}, or null to ask anonymously. */
    String token(GithubTarget target);

    /**
     * A token for a request that names no account (or an account the App is not installed on), or null: a GitHub
     * App answers with any of its installations' tokens, which read public repositories anywhere.
     */
    String anyToken();

    /**
     * GitHub refused the token of {@code target} (401): forget it, so the next {@link #token} gets a new one. True
     * when a new one may be tried (an App's), false when nothing would change (a configured token).
     */
    boolean refused(GithubTarget target);

    /** True when requests carry a token (from a configured token or an App). */
    boolean authenticates();

    /** What is configured, for a log line: {@code none}, {@code token}, {@code GitHub App 12345}. */
    String describe();

    static GithubCredentials anonymous() {
        return StaticToken.NONE;
    }

    static GithubCredentials token(String token) {
        return token == null || token.isBlank() ? StaticToken.NONE : new StaticToken(token.trim());
    }
}
