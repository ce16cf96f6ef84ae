package dev.forgesync.worker.claim;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A claim kept alive while its sync runs: a background heartbeat every interval, also during a long fetch or push, so
 * the claim's TTL can be short and independent of how long a healthy sync takes. The sync asks {@link #verify} before
 * every step that changes something outside the row (a push); {@link #isHeld} is cheap enough for a transfer to poll.
 * Once a heartbeat finds the claim taken over, or none succeeded for a whole TTL, the claim counts as lost for good.
 */
public final class HeldClaim implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeldClaim.class);

    private final Claim claim;
    private final RepositoryClaims claims;
    private final long ttlNanos;
    private volatile long confirmedAt = System.nanoTime();
    private volatile boolean lost;
    private ScheduledFuture<?> beating;

    HeldClaim(Claim claim, RepositoryClaims claims, Duration ttl) {
        this.claim = claim;
        this.claims = claims;
        this.ttlNanos = ttl.toNanos();
    }

    void startBeating(ScheduledExecutorService scheduler, Duration interval) {
        beating = scheduler.scheduleWithFixedDelay(this::beat, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public Claim claim() {
        return claim;
    }

    /** False once the claim is known lost, or could have been taken over (no heartbeat got through for a TTL). */
    public boolean isHeld() {
        return !lost && System.nanoTime() - confirmedAt < ttlNanos;
    }

    /** Confirms the claim in the database now; throws {@link ClaimLost} if it is no longer this sync's. */
    public void verify(String before) {
        if (!lost && claims.heartbeat(claim)) {
            confirmedAt = System.nanoTime();
            return;
        }
        lost = true;
        throw new ClaimLost(claim, "before " + before);
    }

    /** Records that a guarded write found the claim gone, and returns the failure to throw. */
    public ClaimLost markLost(String when) {
        lost = true;
        return new ClaimLost(claim, when);
    }

    /** True once the claim is known to be somebody else's (not merely unconfirmed). */
    public boolean isLost() {
        return lost;
    }

    private void beat() {
        if (lost) {
            return;
        }
        try {
            if (claims.heartbeat(claim)) {
                confirmedAt = System.nanoTime();
            } else {
                lost = true;
                log.warn("repository {} claim {} was taken over by another sync", claim.id(), claim.fence());
            }
        } catch (RuntimeException e) {
            log.warn("repository {} claim {} heartbeat failed: {}", claim.id(), claim.fence(), e.toString());
        }
    }

    @Override
    public void close() {
        if (beating != null) {
            beating.cancel(false);
        }
    }
}
