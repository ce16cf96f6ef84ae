package dev.forgesync.worker.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.requests.SyncRequest;
import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.worker.audit.LogEntry;
import dev.forgesync.worker.audit.SyncAudit;
import dev.forgesync.worker.claim.Claim;
import dev.forgesync.worker.claim.HeldClaim;
import dev.forgesync.worker.claim.RepositoryClaims;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.GitProperties;
import dev.forgesync.worker.config.SyncProperties;
import dev.forgesync.worker.destination.Destination;
import dev.forgesync.worker.destination.Destinations;
import dev.forgesync.worker.destination.PreparedDestination;
import dev.forgesync.worker.failure.SyncException;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushGuard;
import dev.forgesync.worker.mirror.PushOutcome;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.mirror.RelayDestination;
import dev.forgesync.worker.mirror.RejectedRef;

/**
 * The steps of one claimed sync, each with its {@code sync_logs} row: fetch the source into the cache first (so a
 * missing source creates no OneDev project), then prepare each destination and push to it, then complete the row. A
 * first mirror prepares the primary destination as soon as the source has listed its refs, and its pack may reach
 * that destination while it is fetched (MirrorSession#fetch(RelayDestination)); the push step then sends what is left.
 * Every write to the row names the claim, and every push first confirms it: a sync that lost its claim stops with
 * {@code ClaimLost} and changes neither the row nor a destination.
 */
@Component
class SyncRun {

    private static final Logger log = LoggerFactory.getLogger(SyncRun.class);
    /** The trigger of a GitHub {@code repository} event (ingest publishes the event name). */
    static final String METADATA_TRIGGER = "repository";
    static final String REF_REJECTED = "ref_rejected";

    private final GitMirror mirror;
    private final Destinations destinations;
    private final RepositoryClaims claims;
    private final SyncAudit audit;
    private final SyncMetrics metrics;
    private final SyncProperties properties;
    private final Clock clock;
    private final PushedRefs pushedRefs;
    private final TransactionTemplate transaction;
    private final SourcePolicies policies;
    private final GitProperties git;

    SyncRun(GitMirror mirror, Destinations destinations, RepositoryClaims claims, SyncAudit audit,
            SyncMetrics metrics, SyncProperties properties, Clock clock, PushedRefs pushedRefs,
            TransactionTemplate transaction, SourcePolicies policies, GitProperties git) {
        this.policies = policies;
        this.git = git;
        this.pushedRefs = pushedRefs;
        this.transaction = transaction;
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
        if (METADATA_TRIGGER.equals(request.trigger()) && claim.row().oneDevProjectId() != null
                && presentOnly(held, request, started)) {
            return;
        }
        try (MirrorSession session = mirror.open(claim.row().fullName(), policies.of(claim.id()))) {
            EarlyDestination primary = new EarlyDestination(held, destinations.primary());
            FetchOutcome fetched = fetch(claim.id(), session, git.relayFirstMirror() ? primary : null);
            held.verify("pushing");
            String defaultBranch = claim.row().defaultBranch() != null ? claim.row().defaultBranch()
                    : fetched.defaultBranch();
            checkDeadline(started, "push");
            PushOutcome pushed = push(held, session, destinations.primary(), primary.prepared, defaultBranch);
            PushOutcome backup = new PushOutcome(0, 0, 0);
            if (destinations.backup().isPresent()) {
                checkDeadline(started, "backup push");
                backup = push(held, session, destinations.backup().get(), null, defaultBranch);
            }
            int rejected = pushed.rejected().size() + backup.rejected().size();
            int archived = pushed.archived().size() + backup.archived().size();
            Map<String, String> tips = session.refTips();
            if (!Boolean.TRUE.equals(transaction.execute(
                    tx -> claims.complete(claim, rejected, archived) && pushedRefs.record(claim.id(), tips)))) {
                throw held.markLost("when completing");
            }
            recordCompletion(claim, request, started, fetched, pushed, backup);
        }
    }

    /**
     * A {@code repository} event (edited, renamed, transferred, archived, ...) of a repository that has its project
     * already: the project is moved if needed and shows GitHub's description, archived flag and default branch,
     * without a fetch or a push. False (nothing completed) when OneDev refuses the default branch, which the
     * mirror may not have yet: the full sync that follows pushes it first.
     */
    private boolean presentOnly(HeldClaim held, SyncRequest request, Instant started) {
        Claim claim = held.claim();
        Destination destination = destinations.primary();
        PreparedDestination prepared = prepare(held, destination);
        List<String> changed;
        try {
            changed = destination.present(prepared, claim.row(), claim.row().defaultBranch());
        } catch (SyncException e) {
            log.info("repository {} settings not applied alone ({}), running a full sync", claim.id(), e.code());
            return false;
        }
        if (!claims.complete(claim, null, 0)) {
            throw held.markLost("when completing");
        }
        audit.record(claim.id(), LogEntry.of(SyncEventType.SYNC_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(started, clock.instant()))
                .with("startedAt", claim.startedAt().toString()).with("requestId", request.requestId().toString())
                .with("settingsOnly", true).with("settingsChanged", changed));
        log.info("repository {} settings refreshed without a sync: {}", claim.id(), changed);
        return true;
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
                                  PushOutcome pushed, PushOutcome backup) {
        long id = claim.id();
        long total = fetched.bytesFetched() + pushed.bytesPushed() + backup.bytesPushed();
        LogEntry entry = LogEntry.of(SyncEventType.SYNC_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(started, clock.instant())).withBytes(total)
                .with("startedAt", claim.startedAt().toString()).with("requestId", request.requestId().toString())
                .with("branches", fetched.branches()).with("tags", fetched.tags())
                .with("bytesFetched", fetched.bytesFetched()).with("bytesPushed", pushed.bytesPushed())
                .with("refsUpdated", pushed.refsUpdated()).with("refsDeleted", pushed.refsDeleted())
                .with("refsArchived", pushed.archived().size()).with("refsRejected", pushed.rejected().size());
        audit.record(id, pushed.partial() || backup.partial() ? entry.with("partial", true) : entry);
        log.info("repository {} synced: {} branches, {} tags, {} bytes fetched, {} bytes pushed, {} tips archived, "
                + "{} refs rejected", id, fetched.branches(), fetched.tags(), fetched.bytesFetched(),
                pushed.bytesPushed(), pushed.archived().size(), pushed.rejected().size());
    }

    private FetchOutcome fetch(long id, MirrorSession session, EarlyDestination relayTo) {
        Instant t0 = clock.instant();
        audit.record(id, LogEntry.of(SyncEventType.CLONE_STARTED, SyncLogStatus.IN_PROGRESS));
        FetchOutcome fetched = session.fetch(relayTo);
        LogEntry completed = LogEntry.of(SyncEventType.CLONE_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(t0, clock.instant())).withBytes(fetched.bytesFetched())
                .with("branches", fetched.branches()).with("tags", fetched.tags())
                .with("refsChanged", fetched.refsChanged());
        audit.record(id, fetched.relayed() && relayTo != null ? completed.with("relayedTo", relayTo.kind())
                : completed);
        metrics.bytes("fetched", fetched.bytesFetched());
        return fetched;
    }

    /**
     * The primary destination, prepared while the fetch runs when the session asks for it (a first mirror relayed
     * to it, MirrorSession#fetch(RelayDestination)): once the source has answered, so a missing source still creates
     * no project, and under the claim, confirmed before.
     */
    private final class EarlyDestination implements RelayDestination {
        private final HeldClaim held;
        private final Destination destination;
        private PreparedDestination prepared;

        EarlyDestination(HeldClaim held, Destination destination) {
            this.held = held;
            this.destination = destination;
        }

        @Override
        public Optional<PushTarget> prepare() {
            prepared = SyncRun.this.prepare(held, destination);
            return Optional.of(prepared.target());
        }

        @Override
        public PushGuard guard() {
            return new ClaimGuard(held);
        }

        String kind() {
            return destination.kind();
        }
    }

    /** {@code prepared} is the destination's when the fetch prepared it already, else null. */
    private PushOutcome push(HeldClaim held, MirrorSession session, Destination destination,
                             PreparedDestination early, String defaultBranch) {
        long id = held.claim().id();
        PreparedDestination prepared = early != null ? early : prepare(held, destination);
        Instant t0 = clock.instant();
        audit.record(id, LogEntry.of(SyncEventType.PUSH_STARTED, SyncLogStatus.IN_PROGRESS)
                .with("destination", destination.kind()));
        PushOutcome pushed = session.push(prepared.target(), defaultBranch, new ClaimGuard(held));
        LogEntry completed = LogEntry.of(SyncEventType.PUSH_COMPLETED, SyncLogStatus.SUCCESS)
                .withDuration(Duration.between(t0, clock.instant())).withBytes(pushed.bytesPushed())
                .with("destination", destination.kind()).with("refsUpdated", pushed.refsUpdated())
                .with("refsDeleted", pushed.refsDeleted());
        audit.record(id, pushed.archived().isEmpty() ? completed : completed.with("archived", archived(pushed)));
        pushed.rejected().forEach(r -> recordRejection(id, destination, r));
        metrics.bytes("pushed", pushed.bytesPushed());
        // GitHub's default branch, unless the ref globs keep it out of the mirror (then OneDev keeps its own).
        String shown = defaultBranch != null && session.mirrorsBranch(defaultBranch) ? defaultBranch : null;
        List<String> changed = destination.present(prepared, held.claim().row(), shown);
        if (!changed.isEmpty()) {
            log.info("repository {} {} settings changed: {}", id, destination.kind(), changed);
        }
        return pushed;
    }

    private PreparedDestination prepare(HeldClaim held, Destination destination) {
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
        return prepared;
    }

    /** The vault's record: which ref, its old and new tip, and where the old tip is kept now. */
    private static List<Map<String, Object>> archived(PushOutcome pushed) {
        return pushed.archived().stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ref", a.ref());
            m.put("archive", a.archive());
            m.put("oldTip", a.oldTip());
            m.put("newTip", a.newTip());
            m.put("reason", a.reason());
            return m;
        }).toList();
    }

    /** One row per refused ref, with the destination's reason; the sync goes on and completes partial. */
    private void recordRejection(long id, Destination destination, RejectedRef rejected) {
        audit.record(id, LogEntry.of(SyncEventType.PUSH_COMPLETED, SyncLogStatus.FAILURE)
                .withError(REF_REJECTED, rejected.reason())
                .with("destination", destination.kind()).with("ref", rejected.ref()));
        log.warn("repository {} ref {} refused by {}: {}", id, rejected.ref(), destination.kind(), rejected.reason());
    }

    private void checkDeadline(Instant started, String step) {
        if (Duration.between(started, clock.instant()).compareTo(properties.timeout()) > 0) {
            throw new SyncTimeout(properties.timeout(), step);
        }
    }
}
