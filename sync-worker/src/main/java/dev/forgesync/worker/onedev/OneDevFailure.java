package dev.forgesync.worker.onedev;

import dev.forgesync.worker.failure.SyncException;

/**
 * A OneDev REST call that did not succeed: a non-2xx status (retryable for 5xx, 408 and 429) or no answer at all;
 * or OneDev's answers forbid the next step ({@code onedev_path_taken}, permanent).
 * The message holds the method, the path and OneDev's plain-text body, never a credential.
 */
public final class OneDevFailure extends SyncException {

    private final int status;
    private final String code;

    OneDevFailure(int status, String message, Throwable cause) {
        this(status, status == 0 ? "onedev_unreachable" : "onedev_http_" + status, message, cause);
    }

    private OneDevFailure(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    /**
     * The repository's project cannot move to {@code path} because another project is there: permanent, an operator
     * decides which of the two the path belongs to (merging them silently would mix two repositories' refs).
     */
    static OneDevFailure pathTaken(String path, long occupant, long project) {
        return new OneDevFailure(200, "onedev_path_taken", "OneDev project " + occupant + " already holds " + path
                + ", so project " + project + " of this repository was not moved there", null);
    }

    static OneDevFailure unreachable(String what, Throwable cause) {
        return new OneDevFailure(0, "OneDev did not answer " + what + ": " + cause.getClass().getSimpleName(), cause);
    }

    /** The HTTP status, 0 when OneDev did not answer (200 when OneDev answered but its state forbids the step). */
    public int status() {
        return status;
    }

    @Override
    public String code() {
        return code;
    }

    @Override
    public boolean retryable() {
        return status == 0 || status >= 500 || status == 408 || status == 429;
    }
}
