package dev.forgesync.control.github;

/**
 * GitHub answered something other than what was asked for (or could not be reached). The message names the
 * method, the path and the status, never a token; {@link #status()} is 0 when no answer came.
 */
public class GithubException extends RuntimeException {

    private final int status;

    public GithubException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** 404 or 410: the thing is gone (or never existed, or is not visible to this token). */
    public boolean isGone() {
        return status == 404 || status == 410;
    }

    /** 401 or a 403 that is not a rate limit: the credentials are refused. */
    public boolean isAuthRefused() {
        return status == 401 || status == 403;
    }
}
