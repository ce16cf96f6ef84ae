package dev.forgesync.worker.claim;

import dev.forgesync.worker.failure.SyncException;

/**
 * This sync no longer holds its repository: another sync claimed it after this one's heartbeats went stale. The sync
 * stops and writes nothing to the row; the row belongs to the new holder.
 */
public final class ClaimLost extends SyncException {

    ClaimLost(Claim claim, String when) {
        super("repository " + claim.id() + " claim " + claim.fence() + " was taken over by another sync " + when, null);
    }

    @Override
    public String code() {
        return "claim_lost";
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
