package dev.forgesync.worker.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.Claim;
import dev.forgesync.worker.claim.HeldClaim;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.SyncProperties;
import dev.forgesync.worker.destination.Destination;
import dev.forgesync.worker.destination.Destinations;
import dev.forgesync.worker.destination.PreparedDestination;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushOutcome;

/**
 * The steps of one claimed sync, each with its {@code sync_logs} row: fetch the source into the cache first (so a
 * missing source creates no OneDev project), then prepare each destination and push to it, then complete the row.
 * Every write to the row names the claim, and every push first confirms it: a sync that lost its claim stops with
 * {@code ClaimLost} and changes neither the row nor a destination.
 */
@Component
class SyncRun {

    private static final Logger log = LoggerFactory.getLogger(SyncRun.class);

    private final GitMirror mirror;
    private final Destinations destinations;
    private final RepositoryClaims claims;
    private final SyncAudit audit;
    private final SyncMetrics metrics;
    private final SyncProperties properties;
    private final Clock clock;

    SyncRun(GitMirror mirror, Destinations destinations, RepositoryClaims claims, SyncAudit audit,
            SyncMetrics metrics, SyncProperties properties, Clock clock) {
        this.mirror = mirror;
        this.destinations = destinations;
        this.claims = claims;
        this.audit = audit;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    /** {@code started} is this JVM's instant for durations; the claim's start (the database's) is the sync's start. */
    void execute(HeldClaim held, SyncRequest request, Instant started) {
        Claim claim = held.claim();
        recordStart(claim, request);
        try (MirrorSession session = mirror.open(claim.row().fullName())) {
            FetchOutcome fetched = fetch(claim.id(), session);
            held.verify("pushing");
            String defaultBranch = claim.row().defaultBranch() != null ? claim.row().defaultBranch()
                    : fetched.defaultBranch();
            checkDeadline(started, "push");
            PushOutcome pushed = push(held, session, destinations.primary(), defaultBranch);
            long backupBytes = 0;
            if (destinations.backup().isPresent()) {
                checkDeadline(started, "backup push");
                backupBytes = push(held, session, destinations.backup().get(), defaultBranch).bytesPushed();
            }
            if (!claims.complete(claim)) {
                throw held.markLost("when completing");
            }
            recordCompletion(claim, request, started, fetched, pushed, backupBytes);
        }
    }

    private void recordStart(Claim claim, SyncRequest request) {
        RepositoryRow row = claim.row();
        audit.record(row.id(), LogEntry.of(SyncEventType.SYNC_STARTED, SyncLogStatus.IN_PROGRESS)
                .with("requestId", request.requestId().toString()).with("trigger", request.trigger())
                .with("requestedAt", request.requestedAt().toString())
                .with("startedAt", claim.startedAt().toString()).with("claim", claim.fence()));
        if (row.retryCount() > 0) {
            audit.record(row.id(), LogEntry.of(SyncEventType.RETRY_ATTEMPTED, SyncLogStatus.IN_PROGRESS)
                    .with("retryCount", row.retryCount()).with("requestId", request.requestId().toString()));
        }
    }

    private void recordCompletion(Claim claim, SyncRequest request, Instant started, FetchOutcome fetched,
                                  PushOutcome pushed, long backupBytes) {
        long id = claim.id();
        long total = fetched.bytesFetched() + pushed.bytesPushed() + backupBytes;
        audit.record(id, LogEntry.of(SyncEventType.SYNC_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(started, clock.instant())).withBytes(total)
                .with("startedAt", claim.startedAt().toString()).with("requestId", request.requestId().toString())
                .with("branches", fetched.branches()).with("tags", fetched.tags())
                .with("bytesFetched", fetched.bytesFetched()).with("bytesPushed", pushed.bytesPushed())
                .with("refsUpdated", pushed.refsUpdated()).with("refsDeleted", pushed.refsDeleted()));
        log.info("repository {} synced: {} branches, {} tags, {} bytes fetched, {} bytes pushed", id,
                fetched.branches(), fetched.tags(), fetched.bytesFetched(), pushed.bytesPushed());
    }

    private FetchOutcome fetch(long id, MirrorSession session) {
        Instant t0 = clock.instant();
        audit.record(id, LogEntry.of(SyncEventType.CLONE_STARTED, SyncLogStatus.IN_PROGRESS));
        FetchOutcome fetched = session.fetch();
        audit.record(id, LogEntry.of(SyncEventType.CLONE_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(t0, clock.instant())).withBytes(fetched.bytesFetched())
                .with("branches", fetched.branches()).with("tags", fetched.tags())
                .with("refsChanged", fetched.refsChanged()));
        metrics.bytes("fetched", fetched.bytesFetched());
        return fetched;
    }

    private PushOutcome push(HeldClaim held, MirrorSession session, Destination destination, String defaultBranch) {
        Claim claim = held.claim();
        long id = claim.id();
        PreparedDestination prepared = destination.prepare(claim.row());
        prepared.project().ifPresent(project -> {
            if (!claims.storeOneDevProject(claim, project.gitUrl().toString(), project.path(), project.id())) {
                throw held.markLost("when storing the OneDev project");
            }
            if (project.created()) {
                LogEntry created = LogEntry.of(SyncEventType.ONEDEV_REPO_CREATED, SyncLogStatus.SUCCESS)
                        .with("projectId", project.id()).with("path", project.path());
                audit.record(id, project.replacedProjectId() == null ? created
                        : created.with("replacesMissingProjectId", project.replacedProjectId()));
            }
        });
        Instant t0 = clock.instant();
        audit.record(id, LogEntry.of(SyncEventType.PUSH_STARTED, SyncLogStatus.IN_PROGRESS)
                .with("destination", destination.kind()));
        PushOutcome pushed = session.push(prepared.target(), defaultBranch, new ClaimGuard(held));
        audit.record(id, LogEntry.of(SyncEventType.PUSH_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(t0, clock.instant())).withBytes(pushed.bytesPushed())
                .with("destination", destination.kind()).with("refsUpdated", pushed.refsUpdated())
                .with("refsDeleted", pushed.refsDeleted()));
        metrics.bytes("pushed", pushed.bytesPushed());
        return pushed;
    }

    private void checkDeadline(Instant started, String step) {
        if (Duration.between(started, clock.instant()).compareTo(properties.timeout()) > 0) {
            throw new SyncTimeout(properties.timeout(), step);
        }
    }
}
