package dev.forgesync.schema;

/** {@code sync_logs.event_type}, equal to the {@code valid_event_type} CHECK constraint: one value per sync step. */
public enum SyncEventType {
    SYNC_STARTED("sync_started"),
    SYNC_COMPLETED("sync_completed"),
    SYNC_FAILED("sync_failed"),
    RETRY_ATTEMPTED("retry_attempted"),
    CLONE_STARTED("clone_started"),
    CLONE_COMPLETED("clone_completed"),
    PUSH_STARTED("push_started"),
    PUSH_COMPLETED("push_completed"),
    ONEDEV_REPO_CREATED("onedev_repo_created");

    private final String dbValue;

    SyncEventType(String dbValue) {
        this.dbValue = dbValue;
    }

    public String dbValue() {
        return dbValue;
    }

    public static SyncEventType fromDb(String value) {
        return DbValues.lookup(values(), SyncEventType::dbValue, value, "sync_logs.event_type");
    }

    @Override
    public String toString() {
        return dbValue;
    }
}
