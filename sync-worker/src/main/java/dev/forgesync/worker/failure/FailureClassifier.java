package dev.forgesync.worker.failure;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.TransientDataAccessException;

import dev.forgesync.requests.InvalidSyncRequestException;

/**
 * The one place that decides retryable versus permanent. It walks the cause chain from the outside in and the first
 * cause it knows decides: a translated {@link SyncException} by its own class, a poison request is permanent,
 * I/O and transient database errors are retryable. Anything unknown is retried (bounded by {@code max_retries}).
 */
public final class FailureClassifier {

    /**
     * The database could not be reached or did not answer in time: a later try of the same statement may succeed
     * without anybody changing anything. The listener retries such failures in place, without limit, instead of
     * walking the record into the dead-letter topic.
     */
    public static final List<Class<? extends Exception>> DATABASE_UNAVAILABLE =
            List.of(DataAccessResourceFailureException.class, TransientDataAccessException.class);

    private FailureClassifier() {
    }

    /** True when {@code failure} or one of its causes is one of {@link #DATABASE_UNAVAILABLE}. */
    public static boolean isDatabaseUnavailable(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            for (Class<? extends Exception> type : DATABASE_UNAVAILABLE) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    public static FailureClass classify(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            FailureClass known = known(t);
            if (known != null) {
                return known;
            }
        }
        return new FailureClass.Retryable("unexpected", describe(failure));
    }

    private static FailureClass known(Throwable t) {
        if (t instanceof SyncException s) {
            return s.retryable() ? new FailureClass.Retryable(s.code(), describe(s))
                    : new FailureClass.Permanent(s.code(), describe(s));
        }
        if (t instanceof InvalidSyncRequestException) {
            return new FailureClass.Permanent("invalid_request", describe(t));
        }
        if (t instanceof TransientDataAccessException) {
            return new FailureClass.Retryable("database_transient", describe(t));
        }
        if (t instanceof DataAccessResourceFailureException) { // connection lost or refused: the database comes back
            return new FailureClass.Retryable("database_unavailable", describe(t));
        }
        if (t instanceof NonTransientDataAccessException) {
            return new FailureClass.Permanent("database", describe(t));
        }
        if (t instanceof IOException) {
            return new FailureClass.Retryable("io_error", describe(t));
        }
        return null;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
