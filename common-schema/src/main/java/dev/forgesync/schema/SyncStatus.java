package dev.forgesync.schema;

/**
 * {@code repositories.sync_status}, equal to the {@code valid_sync_status} CHECK constraint.
 *
 * <p>Transitions (each a guarded {@code UPDATE ... WHERE sync_status = <expected>}):
 * {@code pending -> in_progress -> completed | failed}; {@code failed -> in_progress} when a retry is due;
 * {@code failed -> permanent_failure}; {@code completed | failed | permanent_failure -> pending} on a new event.
 */
public enum SyncStatus {
    PENDING("pending"),
    IN_PROGRESS("in_progress"),
    COMPLETED("completed"),
    FAILED("failed"),
    PERMANENT_FAILURE("permanent_failure");

    private final String dbValue;

    SyncStatus(String dbValue) {
        this.dbValue = dbValue;
    }

    /** The value stored in the database. */
    public String dbValue() {
        return dbValue;
    }

    /** True for the states a new event re-arms to {@link #PENDING}. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == PERMANENT_FAILURE;
    }

    public static SyncStatus fromDb(String value) {
        return DbValues.lookup(values(), SyncStatus::dbValue, value, "sync_status");
    }

    @Override
    public String toString() {
        return dbValue;
    }
}
