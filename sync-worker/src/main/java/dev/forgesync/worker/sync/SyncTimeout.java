package dev.forgesync.worker.sync;

import java.time.Duration;

import dev.forgesync.worker.failure.SyncException;

/** The sync ran past {@code forgesync.sync.timeout}; it stops between steps and is retried later. */
final class SyncTimeout extends SyncException {

    SyncTimeout(Duration limit, String step) {
        super("sync exceeded its time limit of " + limit + " before " + step, null);
    }

    @Override
    public String code() {
        return "sync_timeout";
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
