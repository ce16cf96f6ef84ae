package dev.forgesync.worker.mirror;

import dev.forgesync.worker.failure.SyncException;

/** A git failure translated out of JGit: the code says what happened, {@code retryable} what it means. */
public final class GitFailure extends SyncException {

    private final String code;
    private final boolean retryable;

    GitFailure(String code, boolean retryable, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    /**
     * The source answered 404, 410 or 451 (deleted, made private without access, blocked): the mirror is frozen as
     * it is, nothing deleted, no retry; a later event re-arms the repository and resumes it.
     */
    static GitFailure sourceGone(String fullName, Throwable cause) {
        return new GitFailure("source_gone", false, "source repository gone, not accessible or blocked: " + fullName
                + "; the mirror is kept as it is and a new event resumes it", cause);
    }

    static GitFailure disallowedRemote(String message, Throwable cause) {
        return new GitFailure("disallowed_remote", false, message, cause);
    }

    static GitFailure authRejected(String where, Throwable cause) {
        return new GitFailure("git_auth_rejected", false, "credentials rejected by " + where, cause);
    }

    static GitFailure pushRejected(String details) {
        return new GitFailure("push_rejected", false, "destination rejected refs: " + details, null);
    }

    static GitFailure transfer(String message, Throwable cause) {
        return new GitFailure("git_transfer_failed", true, message, cause);
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }
}
