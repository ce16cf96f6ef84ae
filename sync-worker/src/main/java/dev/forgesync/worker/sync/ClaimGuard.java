package dev.forgesync.worker.sync;

import dev.forgesync.worker.claim.HeldClaim;
import dev.forgesync.worker.mirror.PushGuard;

/** A push guarded by a claim: confirmed in the database right before refs are sent, polled while the pack goes out. */
public final class ClaimGuard implements PushGuard {

    private final HeldClaim held;

    public ClaimGuard(HeldClaim held) {
        this.held = held;
    }

    @Override
    public void check(String before) {
        held.verify(before);
    }

    @Override
    public boolean cancelled() {
        return !held.isHeld();
    }
}
