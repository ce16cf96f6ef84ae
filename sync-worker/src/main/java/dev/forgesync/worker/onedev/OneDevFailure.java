package dev.forgesync.worker.onedev;

import dev.forgesync.worker.failure.SyncException;

/**
 * A OneDev REST call that did not succeed: a non-2xx status (retryable for 5xx, 408 and 429) or no answer at all.
 * The message holds the method, the path and OneDev's plain-text body, never a credential.
 */
public final class OneDevFailure extends SyncException {

    private final int status;

    OneDevFailure(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    static OneDevFailure unreachable(String what, Throwable cause) {
        return new OneDevFailure(0, "OneDev did not answer " + what + ": " + cause.getClass().getSimpleName(), cause);
    }

    /** The HTTP status, 0 when OneDev did not answer. */
    public int status() {
        return status;
    }

    @Override
    public String code() {
        return status == 0 ? "onedev_unreachable" : "onedev_http_" + status;
    }

    @Override
    public boolean retryable() {
        return status == 0 || status >= 500 || status == 408 || status == 429;
    }
}
