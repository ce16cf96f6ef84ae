package dev.forgesync.worker.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.schema.SyncRequest;
import dev.forgesync.schema.SyncStatus;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.Redactor;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.RetryProperties;
import dev.forgesync.worker.config.SyncProperties;
import dev.forgesync.worker.failure.FailureClass;
import dev.forgesync.worker.failure.FailureClassifier;
import dev.forgesync.worker.failure.PermanentSyncFailure;
import dev.forgesync.worker.failure.RetryableSyncFailure;

/**
 * One sync request, start to end: skip it if a later sync already satisfied it, claim the repository, run the
 * mirror ({@link SyncRun}), and on failure set the row to {@code failed} (retry) or {@code permanent_failure}
 * and tell the listener which way the record goes by the exception it throws.
 */
@Service
public class SyncService {

    private static final Logger log = LoggerFactory.getLogger(SyncService.class);
    private static final Duration CLAIM_POLL = Duration.ofMillis(200);

    private final RepositoryClaims claims;
    private final SyncRun run;
    private final SyncAudit audit;
    private final Redactor redactor;
    private final SyncMetrics metrics;
    private final SyncProperties sync;
    private final RetryProperties retry;
    private final Clock clock;

    SyncService(RepositoryClaims claims, SyncRun run, SyncAudit audit, Redactor redactor, SyncMetrics metrics,
                SyncProperties sync, RetryProperties retry, Clock clock) {
        this.claims = claims;
        this.run = run;
        this.audit = audit;
        this.redactor = redactor;
        this.metrics = metrics;
        this.sync = sync;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * Handles one request. Returns normally when the request is done with (synced, skipped, or nothing to do);
     * throws {@link RetryableSyncFailure} or {@link PermanentSyncFailure} for the retry topology.
     */
    public void handle(SyncRequest request, boolean isRetry) {
        long id = request.repositoryId();
        Optional<RepositoryRow> known = claims.find(id);
        if (known.isEmpty()) {
            log.warn("repository {} unknown, request {} dropped", id, request.requestId());
            metrics.outcome("unknown_repository", null);
            return;
        }
        if (known.get().stopped()) {
            log.info("repository {} request {} not synced: syncing is stopped for it (metadata.sync_stopped); "
                    + "a new event resumes it", id, request.requestId());
            metrics.outcome("stopped", null);
            return;
        }
        if (skippedAsSatisfied(request) || !acquire(request)) {
            return;
        }
        RepositoryRow row = claims.find(id).orElseThrow();
        Instant started = clock.instant();
        try {
            run.execute(row, request, isRetry, started);
            metrics.outcome("completed", Duration.between(started, clock.instant()));
        } catch (RuntimeException e) {
            fail(row, e, started);
        }
    }

    private boolean skippedAsSatisfied(SyncRequest request) {
        Optional<Instant> latest = claims.latestSuccessfulSyncStart(request.repositoryId());
        if (latest.isEmpty() || !request.requestedAt().isBefore(latest.get())) {
            return false;
        }
        audit.record(request.repositoryId(), LogEntry.of(SyncEventType.SYNC_COMPLETED, SyncLogStatus.SUCCESS)
                .with("skipped", "already satisfied by the sync started at " + latest.get())
                .with("requestId", request.requestId().toString())
                .with("requestedAt", request.requestedAt().toString()));
        log.info("repository {} request {} skipped: satisfied by the sync started at {}",
                request.repositoryId(), request.requestId(), latest.get());
        metrics.outcome("skipped", null);
        return true;
    }

    /** Claims the row, waiting (up to the sync time limit) while another sync of it runs. */
    private boolean acquire(SyncRequest request) {
        long id = request.repositoryId();
        Instant giveUp = clock.instant().plus(sync.timeout());
        while (!claims.claim(id, sync.timeout())) {
            Optional<RepositoryRow> row = claims.find(id);
            if (row.isEmpty() || row.get().status() == SyncStatus.PERMANENT_FAILURE) {
                log.info("repository {} request {} not synced: repository is {}; a new event re-arms it", id,
                        request.requestId(), row.map(r -> r.status().dbValue()).orElse("gone"));
                metrics.outcome("not_claimable", null);
                return false;
            }
            if (clock.instant().isAfter(giveUp)) {
                throw new RetryableSyncFailure("repository " + id + " stayed claimed by another sync");
            }
            pause();
            if (skippedAsSatisfied(request)) {
                return false;
            }
        }
        return true;
    }

    private void fail(RepositoryRow row, RuntimeException e, Instant started) {
        FailureClass failure = FailureClassifier.classify(e);
        String message = redactor.redact(failure.message());
        Duration took = Duration.between(started, clock.instant());
        if (failure instanceof FailureClass.Retryable) {
            Duration delay = retry.delayBefore(row.retryCount() + 1);
            Optional<Integer> retryCount = claims.failForRetry(row.id(), message, delay);
            if (retryCount.isPresent()) {
                audit.record(row.id(), failedEntry(failure, message, took).with("retryCount", retryCount.get())
                        .with("nextRetryInSeconds", delay.toSeconds()));
                log.warn("repository {} sync failed ({}), retry {} of {} in {}", row.id(), failure.code(),
                        retryCount.get(), row.maxRetries(), delay);
                metrics.retry();
                metrics.outcome("failed", took);
                throw new RetryableSyncFailure("repository " + row.id() + " failed: " + failure.code());
            }
        }
        if (!claims.markPermanent(row.id(), SyncStatus.IN_PROGRESS, message)) {
            claimLost(row, failure, message, took);
            return;
        }
        audit.record(row.id(), failedEntry(failure, message, took).with("permanent", true)
                .with("retryCount", row.retryCount()));
        log.error("repository {} sync failed permanently ({}): {}", row.id(), failure.code(), message);
        metrics.permanentFailure(failure.code());
        metrics.outcome("permanent_failure", took);
        throw new PermanentSyncFailure("repository " + row.id() + " failed permanently: " + failure.code());
    }

    /**
     * The row left {@code in_progress} under this sync (it stalled past the time limit and another sync took the
     * claim over): the failure is this attempt's, not the repository's, so it is recorded as such and the record is
     * done with; the status belongs to the sync that holds the claim.
     */
    private void claimLost(RepositoryRow row, FailureClass failure, String message, Duration took) {
        audit.record(row.id(), failedEntry(failure, message, took).with("claimLost", true).with("permanent", false));
        log.warn("repository {} sync failed ({}) after its claim was taken over by another sync; status left to that sync",
                row.id(), failure.code());
        metrics.outcome("claim_lost", took);
    }

    private static LogEntry failedEntry(FailureClass failure, String message, Duration took) {
        return LogEntry.of(SyncEventType.SYNC_FAILED, SyncLogStatus.FAILURE)
                .withError(failure.code(), message).withDuration(took);
    }

    private static void pause() {
        try {
            Thread.sleep(CLAIM_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableSyncFailure("interrupted while waiting for a claim");
        }
    }
}
