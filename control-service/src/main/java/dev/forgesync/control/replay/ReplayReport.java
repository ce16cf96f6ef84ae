package dev.forgesync.control.replay;

import java.util.List;

/**
 * What a replay did.
 *
 * @param matched      stored events the selection matched
 * @param ignored      of those, events that never asked for a sync (ignored, invalid, stopped, or with no repository)
 * @param notFound     delivery ids asked for that are not stored
 * @param repositories distinct repositories the replayable events name: one request each (a sync mirrors the current
 *                     state, so the newest event per repository stands for all of them)
 * @param published    requests the broker acknowledged
 * @param failed       requests not published now (broker unavailable): a forced replay's wait in the outbox and the
 *                     relay publishes them once the broker is back; a plain replay has to be run again
 */
public record ReplayReport(int matched, int ignored, List<String> notFound, int repositories, int published,
        int failed) {

    public boolean complete() {
        return failed == 0;
    }
}
