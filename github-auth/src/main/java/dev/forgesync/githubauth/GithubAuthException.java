package dev.forgesync.githubauth;

/**
 * GitHub refused or could not answer what authenticating needs (an installation, an access token), or the App's
 * settings are unusable. The message names the App, the account and the status, never a key, a JWT or a token;
 * {@link #status()} is 0 when GitHub gave no answer.
 */
public class GithubAuthException extends RuntimeException {

    private final int status;

    public GithubAuthException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
