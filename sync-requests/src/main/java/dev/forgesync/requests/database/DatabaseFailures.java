package dev.forgesync.requests.database;

import java.sql.SQLException;

import org.postgresql.util.PSQLException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * What a database failure means, decided once for every service (by exception type for Spring's own, by SQLSTATE
 * class for PostgreSQL's): the database is unavailable (answer 503 at once), the transaction met another one (run it
 * again), or a value could not be stored (the payload's fault, whenever retried). Ingest's group commit uses all
 * three (a delivery that is none of these is answered 503 after its retries, never stored invalid); its webhook
 * endpoint and control-service's ops API answer {@code database_unavailable} by {@link #unavailable}.
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /** The database cannot be reached or did not answer in time: retrying now would only wait again. */
    public static boolean unavailable(Throwable e) {
        return e instanceof CannotCreateTransactionException || e instanceof DataAccessResourceFailureException
                || e instanceof TransientDataAccessResourceException || e instanceof QueryTimeoutException
                || e instanceof RecoverableDataAccessException || sqlStateClass(e, "08");
    }

    /**
     * Another transaction got in the way: a deadlock or serialization failure (class 40), a lock not available, or
     * an integrity violation (class 23) such as a unique URL taken or a repository deleted meanwhile. A fresh
     * transaction reads the rows again and resolves it.
     */
    public static boolean race(Throwable e) {
        return e instanceof ConcurrencyFailureException || sqlStateClass(e, "40") || sqlStateClass(e, "23")
                || sqlStateClass(e, "55");
    }

    /** A data exception (class 22: a value too long, out of range, malformed): the payload's, whenever retried. */
    public static boolean refusedPayload(Throwable e) {
        return sqlStateClass(e, "22");
    }

    /** PostgreSQL's own message (never its detail, which can quote values), else the exception's type. */
    public static String databaseReason(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage().getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static boolean sqlStateClass(Throwable e, String stateClass) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState().startsWith(stateClass);
            }
        }
        return false;
    }
}
