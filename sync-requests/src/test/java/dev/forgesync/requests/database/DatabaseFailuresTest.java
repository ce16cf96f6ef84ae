package dev.forgesync.requests.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;

/** One line per failure: what storing a batch does about it. */
class DatabaseFailuresTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "integrity,   23503, race",          // foreign key: the repository was archived meanwhile
            "duplicate,   23505, race",          // unique github_url taken by a concurrent transaction
            "locking,     40P01, race",          // deadlock
            "locking,     40001, race",          // serialization failure
            "integrity,   22001, payload",       // value too long for the column
            "integrity,   22P02, payload",       // malformed value
            "other,       XX000, neither",       // an internal error is not the payload's fault
            "unavailable, 08006, unavailable",   // connection failure
    })
    void classifiesEachFailureOnce(String type, String sqlState, String expected) {
        SQLException sql = new SQLException("refused", sqlState);
        RuntimeException e = switch (type) {
            case "duplicate" -> new DuplicateKeyException("duplicate", sql);
            case "locking" -> new PessimisticLockingFailureException("locking", sql);
            case "integrity" -> new DataIntegrityViolationException("integrity", sql);
            case "unavailable" -> new CannotCreateTransactionException("down", sql);
            default -> new UncategorizedSQLException("task", "SELECT 1", sql);
        };

        String classified = DatabaseFailures.unavailable(e) ? "unavailable"
                : DatabaseFailures.race(e) ? "race"
                : DatabaseFailures.refusedPayload(e) ? "payload" : "neither";

        assertThat(classified).isEqualTo(expected);
    }
}
