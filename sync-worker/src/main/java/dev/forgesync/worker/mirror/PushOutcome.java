package dev.forgesync.worker.mirror;

import java.util.List;

/**
 * A push: bytes sent (0 when nothing needed sending), refs created/updated and deleted, the tips the vault archived
 * before moving or deleting their refs, and the refs the destination rejected (the others went through).
 */
public record PushOutcome(long bytesPushed, int refsUpdated, int refsDeleted, List<ArchivedRef> archived,
                          List<RejectedRef> rejected) {

    public PushOutcome(long bytesPushed, int refsUpdated, int refsDeleted) {
        this(bytesPushed, refsUpdated, refsDeleted, List.of(), List.of());
    }

    /** Some refs did not reach the destination. */
    public boolean partial() {
        return !rejected.isEmpty();
    }
}
