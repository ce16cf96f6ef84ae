package dev.forgesync.worker.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.Redactor;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.Claim;
import dev.forgesync.worker.claim.ClaimLost;
import dev.forgesync.worker.claim.HeldClaim;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.config.RetryProperties;
import dev.forgesync.worker.config.SyncProperties;
import dev.forgesync.worker.failure.FailureClass;
import dev.forgesync.worker.failure.FailureClassifier;
import dev.forgesync.worker.failure.PermanentSyncFailure;
import dev.forgesync.worker.failure.RetryableSyncFailure;

/**
 * What a failed sync leaves behind: the row {@code failed} with its next retry, or {@code permanent_failure}, both
 * written under the sync's claim; nothing at all when the claim was lost. These writes happen exactly when the
 * database may be flapping, so each is tried again with back-off for up to a claim TTL; if the database stays away
 * longer, the database failure goes to the listener, which retries the record in place until it is back (the claim
 * is stale by then, so the next attempt takes the row over).
 */
@Component
class SyncFailures {

    private static final Logger log = LoggerFactory.getLogger(SyncFailures.class);

    private final RepositoryClaims claims;
    private final SyncAudit audit;
    private final Redactor redactor;
    private final SyncMetrics metrics;
    private final SyncProperties sync;
    private final RetryProperties retry;
    private final Clock clock;

    SyncFailures(RepositoryClaims claims, SyncAudit audit, Redactor redactor, SyncMetrics metrics,
                 SyncProperties sync, RetryProperties retry, Clock clock) {
        this.claims = claims;
        this.audit = audit;
        this.redactor = redactor;
        this.metrics = metrics;
        this.sync = sync;
        this.retry = retry;
        this.clock = clock;
    }

    /** Always throws, except when the claim was lost (the record is then done with: the row is another sync's). */
    void fail(HeldClaim held, RuntimeException e, Instant started) {
        Claim claim = held.claim();
        FailureClass failure = FailureClassifier.classify(e);
        String message = redactor.redact(failure.message());
        Duration took = Duration.between(started, clock.instant());
        if (held.isLost() || e instanceof ClaimLost) {
            claimLost(claim, failure, message, took);
            return;
        }
        if (failure instanceof FailureClass.Retryable) {
            retryLater(claim, failure, message, took);
        }
        failPermanently(claim, failure, message, took);
    }

    private void retryLater(Claim claim, FailureClass failure, String message, Duration took) {
        Duration delay = retry.delayBefore(claim.row().retryCount() + 1);
        Optional<Integer> retryCount = survivingFlaps(() -> claims.failForRetry(claim, message, delay));
        if (retryCount.isEmpty()) {
            return;
        }
        record(claim, failedEntry(failure, message, took).with("retryCount", retryCount.get())
                .with("nextRetryInSeconds", delay.toSeconds()));
        log.warn("repository {} sync failed ({}), retry {} of {} in {}", claim.id(), failure.code(),
                retryCount.get(), claim.row().maxRetries(), delay);
        metrics.retry();
        metrics.outcome("failed", took);
        throw new RetryableSyncFailure("repository " + claim.id() + " failed: " + failure.code());
    }

    private void failPermanently(Claim claim, FailureClass failure, String message, Duration took) {
        if (!survivingFlaps(() -> claims.markPermanent(claim, message))) {
            claimLost(claim, failure, message, took);
            return;
        }
        record(claim, failedEntry(failure, message, took).with("permanent", true)
                .with("retryCount", claim.row().retryCount()));
        log.error("repository {} sync failed permanently ({}): {}", claim.id(), failure.code(), message);
        metrics.permanentFailure(failure.code());
        metrics.outcome("permanent_failure", took);
        throw new PermanentSyncFailure("repository " + claim.id() + " failed permanently: " + failure.code());
    }

    /**
     * The row left {@code in_progress} under this sync (its heartbeats went stale and another sync took the claim
     * over): the failure is this attempt's, not the repository's, so it is recorded as such and the record is done
     * with; the status belongs to the sync that holds the claim.
     */
    private void claimLost(Claim claim, FailureClass failure, String message, Duration took) {
        record(claim, failedEntry(failure, message, took).with("claimLost", true).with("claim", claim.fence())
                .with("permanent", false));
        log.warn("repository {} sync with claim {} stopped ({}): its claim was taken over by another sync, which "
                + "owns the status now", claim.id(), claim.fence(), failure.code());
        metrics.outcome("claim_lost", took);
    }

    /** The audit line of a failure; the row already says what matters, so a database that stays away only loses it. */
    private void record(Claim claim, LogEntry entry) {
        try {
            survivingFlaps(() -> {
                audit.record(claim.id(), entry);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("repository {} failure not written to sync_logs: {}", claim.id(), e.toString());
        }
    }

    private <T> T survivingFlaps(Supplier<T> write) {
        ExponentialBackOff policy = new ExponentialBackOff(100, 2.0);
        policy.setMaxInterval(Math.max(100, sync.claimTtl().toMillis() / 8));
        policy.setMaxElapsedTime(sync.claimTtl().toMillis());
        BackOffExecution backOff = policy.start();
        while (true) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                long wait = FailureClassifier.isDatabaseUnavailable(e) ? backOff.nextBackOff() : BackOffExecution.STOP;
                if (wait == BackOffExecution.STOP) {
                    throw e;
                }
                log.warn("database unavailable while recording a failed sync, trying again in {} ms: {}", wait,
                        e.toString());
                pause(wait, e);
            }
        }
    }

    private static void pause(long millis, RuntimeException cause) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    private static LogEntry failedEntry(FailureClass failure, String message, Duration took) {
        return LogEntry.of(SyncEventType.SYNC_FAILED, SyncLogStatus.FAILURE)
                .withError(failure.code(), message).withDuration(took);
    }
}
