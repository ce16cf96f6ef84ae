package dev.forgesync.worker.claim;

import java.time.Instant;

import dev.forgesync.schema.SyncStatus;

/** What CLAIM answered: the claim, or the row's state that refused it ({@link #GONE} when there is no row). */
public sealed interface ClaimAttempt permits ClaimAttempt.Won, ClaimAttempt.Refused {

    Refused GONE = new Refused(null, null, null);

    record Won(Claim claim) implements ClaimAttempt {
    }

    /**
     * @param status      the row's status, null when the row is gone
     * @param claimedAt   when the current (or last) claim was won, by PostgreSQL's clock
     * @param nextRetryAt when a failed row's retry is due
     */
    record Refused(SyncStatus status, Instant claimedAt, Instant nextRetryAt) implements ClaimAttempt {

        /** Nothing will sync it until a new event or an operator re-arms it. */
        public boolean isFinal() {
            return status == null || status == SyncStatus.PERMANENT_FAILURE;
        }
    }
}
