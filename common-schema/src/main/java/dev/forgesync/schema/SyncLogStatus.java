package dev.forgesync.schema;

/** {@code sync_logs.status}, equal to the {@code valid_status} CHECK constraint. */
public enum SyncLogStatus {
    SUCCESS("success"),
    FAILURE("failure"),
    IN_PROGRESS("in_progress");

    private final String dbValue;

    SyncLogStatus(String dbValue) {
        this.dbValue = dbValue;
    }

    public String dbValue() {
        return dbValue;
    }

    public static SyncLogStatus fromDb(String value) {
        return DbValues.lookup(values(), SyncLogStatus::dbValue, value, "sync_logs.status");
    }

    @Override
    public String toString() {
        return dbValue;
    }
}
