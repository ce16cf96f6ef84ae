package dev.forgesync.worker.claim;

import java.time.Instant;

/**
 * A won claim: the row as CLAIM left it, the fencing number that names this holder, and when the claim was won by
 * PostgreSQL's clock. Every write of the sync names {@code fence}; once another sync claims the row, none of them
 * matches any more.
 */
public record Claim(RepositoryRow row, long fence, Instant startedAt) {

    public long id() {
        return row.id();
    }
}
