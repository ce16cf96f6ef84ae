package dev.forgesync.worker.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.schema.SyncStatus;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.Claim;
import dev.forgesync.worker.claim.ClaimAttempt;
import dev.forgesync.worker.claim.ClaimKeeper;
import dev.forgesync.worker.claim.HeldClaim;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.SyncProperties;
import dev.forgesync.worker.failure.PermanentSyncFailure;
import dev.forgesync.worker.failure.RepositoryBusy;
import dev.forgesync.worker.failure.RetryableSyncFailure;

/**
 * One sync request, start to end: skip it if a later sync already satisfied it, claim the repository, run the
 * mirror ({@link SyncRun}) while a heartbeat keeps the claim, and on failure let {@link SyncFailures} set the row to
 * {@code failed} (retry) or {@code permanent_failure}. The exception thrown tells the listener which way the record
 * goes; a repository that cannot be claimed yet ({@link RepositoryBusy}) comes back through the retry topics
 * instead of holding the consumer.
 */
@Service
public class SyncService {

    private static final Logger log = LoggerFactory.getLogger(SyncService.class);

    private final RepositoryClaims claims;
    private final ClaimKeeper keeper;
    private final SyncRun run;
    private final SyncFailures failures;
    private final SyncAudit audit;
    private final SyncMetrics metrics;
    private final SyncProperties sync;
    private final Clock clock;

    SyncService(RepositoryClaims claims, ClaimKeeper keeper, SyncRun run, SyncFailures failures, SyncAudit audit,
                SyncMetrics metrics, SyncProperties sync, Clock clock) {
        this.claims = claims;
        this.keeper = keeper;
        this.run = run;
        this.failures = failures;
        this.audit = audit;
        this.metrics = metrics;
        this.sync = sync;
        this.clock = clock;
    }

    /**
     * Handles one request. Returns normally when the request is done with (synced, skipped, or nothing to do);
     * throws {@link RetryableSyncFailure} (including {@link RepositoryBusy}) or {@link PermanentSyncFailure} for the
     * retry topology. A database that cannot be reached before the claim surfaces as Spring's
     * {@code DataAccessException}, which the listener retries in place.
     */
    public void handle(SyncRequest request) {
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
        if (skippedAsSatisfied(request)) {
            return;
        }
        ClaimAttempt attempt = claims.claim(id, sync.claimTtl());
        if (attempt instanceof ClaimAttempt.Refused refused) {
            refuse(request, refused);
            return;
        }
        runClaimed(((ClaimAttempt.Won) attempt).claim(), request);
    }

    private void runClaimed(Claim claim, SyncRequest request) {
        try (HeldClaim held = keeper.hold(claim)) {
            Instant started = clock.instant();
            try {
                run.execute(held, request, started);
                metrics.outcome("completed", Duration.between(started, clock.instant()));
            } catch (RuntimeException e) {
                failures.fail(held, e, started);
            }
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

    /**
     * Not claimed: nothing to do for a final row or a request the running sync already covers (it started after the
     * request was received, and retries itself if it fails); otherwise the record comes back later.
     */
    private void refuse(SyncRequest request, ClaimAttempt.Refused refused) {
        long id = request.repositoryId();
        if (refused.isFinal()) {
            log.info("repository {} request {} not synced: repository is {}; a new event re-arms it", id,
                    request.requestId(), refused.status() == null ? "gone" : refused.status().dbValue());
            metrics.outcome("not_claimable", null);
            return;
        }
        if (refused.status() == SyncStatus.IN_PROGRESS && refused.claimedAt() != null
                && !request.requestedAt().isAfter(refused.claimedAt())) {
            log.info("repository {} request {} covered by the sync running since {}", id, request.requestId(),
                    refused.claimedAt());
            metrics.outcome("covered_by_running_sync", null);
            return;
        }
        metrics.outcome("busy", null);
        throw new RepositoryBusy("repository " + id + " is " + refused.status().dbValue()
                + (refused.status() == SyncStatus.FAILED ? ", retry due at " + refused.nextRetryAt()
                        : ", claimed by another sync"));
    }
}
