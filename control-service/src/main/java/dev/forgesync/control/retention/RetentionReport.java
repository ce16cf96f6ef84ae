package dev.forgesync.control.retention;

/** What one retention run removed; {@code ran} is false when another instance held the lock. */
public record RetentionReport(boolean ran, long syncLogsDeleted, long webhookEventsDeleted, long repositoriesArchived) {

    static RetentionReport skipped() {
        return new RetentionReport(false, 0, 0, 0);
    }
}
