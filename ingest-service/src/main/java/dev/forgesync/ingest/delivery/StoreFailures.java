package dev.forgesync.ingest.delivery;

import java.sql.SQLException;

import org.postgresql.util.PSQLException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Why storing a batch failed, decided once (by exception type for Spring's own, by SQLSTATE class for PostgreSQL's)
 * and used by {@link DeliveryService}: the database is unavailable (answer 503 at once), the transaction met another
 * one (store it again), or the payload holds a value the database cannot store (store the delivery invalid). Anything
 * else is none of these: after its retries the request is answered 503, never stored invalid.
 */
final class StoreFailures {

    private StoreFailures() {
    }

    /** The database cannot be reached or did not answer in time: retrying now would only wait again. */
    static boolean unavailable(Throwable e) {
        return e instanceof CannotCreateTransactionException || e instanceof DataAccessResourceFailureException
                || e instanceof TransientDataAccessResourceException || e instanceof QueryTimeoutException
                || e instanceof RecoverableDataAccessException || sqlStateClass(e, "08");
    }

    /**
     * Another transaction got in the way: a deadlock or serialization failure (class 40), a lock not available, or
     * an integrity violation (class 23) such as a unique URL taken or a repository deleted meanwhile. A fresh
     * transaction reads the rows again and resolves it.
     */
    static boolean race(Throwable e) {
        return e instanceof ConcurrencyFailureException || sqlStateClass(e, "40") || sqlStateClass(e, "23")
                || sqlStateClass(e, "55");
    }

    /** A data exception (class 22: a value too long, out of range, malformed): the payload's, whenever retried. */
    static boolean refusedPayload(Throwable e) {
        return sqlStateClass(e, "22");
    }

    /** PostgreSQL's own message (never its detail, which can quote values), else the exception's type. */
    static String databaseReason(Throwable e) {
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
