package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorProperties;

/**
 * One repository's cache, leased for a sync: {@link #fetch()} brings it to the source's state (branches and tags,
 * pruned), {@link #push(PushTarget, String)} brings a destination to the cache's state with a thin pack, the default
 * branch first. Only {@code refs/heads/*} and {@code refs/tags/*} are ever touched on either side.
 */
public final class MirrorSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MirrorSession.class);

    /** Where archived tips fetched back from a destination land for a moment (never pushed: not mirrored). */
    /** JGit's message for an HTTP status it has no exception for: {@code <uri>: 451 Unavailable For Legal Reasons}. */
    private static final java.util.regex.Pattern GONE = java.util.regex.Pattern.compile(": (410|451)\\b");
    private static final String RECOVERED = "refs/forgesync/recovered/";
    private static final List<String> MIRRORED = List.of(Constants.R_HEADS, Constants.R_TAGS);
    private static final List<RefSpec> FETCHED = List.of(new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    private final String fullName;
    private final URIish source;
    private final SourceCredentials sourceCredentials;
    private final Repository repo;
    private final MirrorCache.Lease lease;
    private final MirrorCache cache;
    private final MirrorProperties properties;
    private final boolean vault;
    private final RefFilter filter;
    private final Map<String, TrackingRefUpdate> fetched = new HashMap<>();
    private Relayed relayed;

    MirrorSession(String fullName, URIish source, SourceCredentials sourceCredentials, Repository repo,
                  MirrorCache.Lease lease, MirrorCache cache, MirrorProperties properties,
                  List<HistoryProperties> policies) {
        this.vault = policies.stream().anyMatch(HistoryProperties::vault);
        this.filter = new RefFilter(policies);
        this.fullName = fullName;
        this.source = source;
        this.sourceCredentials = sourceCredentials;
        this.repo = repo;
        this.lease = lease;
        this.cache = cache;
        this.properties = properties;
    }

    /**
     * Fetches the source's branches and tags into the cache, removing refs the source no longer has. The remote is
     * the source URI itself, never a name looked up in the cache's config (where a {@code [remote "<url>"]} section
     * would otherwise redirect the fetch, and the GitHub token with it).
     */
    public FetchOutcome fetch() {
        return fetch(null);
    }

    /**
     * {@link #fetch()}, and a first mirror (an empty cache) relayed to {@code relayTo} as it arrives when that
     * destination is empty too ({@link FirstMirrorRelay}); the {@link #push} to the same target that follows then
     * sends only what the relay did not land, and reports the relay's refs and bytes with its own.
     */
    public FetchOutcome fetch(RelayDestination relayTo) {
        TransferMeter meter = new TransferMeter();
        CredentialsProvider credentials = sourceCredentials.provider();
        try {
            // Before the protocol is chosen: a probe that writes the config down must not save the v0 that
            // SourceProtocol only sets in memory.
            Optional<FetchOutcome> answered = fromListing(meter, credentials, relayTo);
            if (answered.isPresent()) {
                return answered.get();
            }
        } catch (GuardStopped e) {
            throw e.reason;
        } catch (IOException e) {
            throw translate(e, "the cache of " + fullName, false);
        }
        SourceProtocol protocol = SourceProtocol.choose(repo.getConfig());
        try (Transport transport = Transport.open(repo, source)) {
            authenticate(transport, credentials);
            transport.setTimeout(timeoutSeconds());
            transport.setTagOpt(TagOpt.NO_TAGS);
            transport.setRemoveDeletedRefs(true);
            meter.attach(transport);
            FetchResult result = transport.fetch(NullProgressMonitor.INSTANCE, FETCHED);
            lease.touch();
            protocol.learn(result.getAdvertisedRefs());
            result.getTrackingRefUpdates().forEach(u -> fetched.put(u.getRemoteName(), u));
            Map<String, ObjectId> refs = mirroredRefs();
            int changed = (int) result.getTrackingRefUpdates().stream()
                    .filter(u -> u.getResult() != org.eclipse.jgit.lib.RefUpdate.Result.NO_CHANGE).count();
            return new FetchOutcome(meter.bytesRead(), count(refs, Constants.R_HEADS), count(refs, Constants.R_TAGS),
                    advertisedDefaultBranch(result, refs), changed);
        } catch (IOException | RuntimeException e) {
            throw translate(e, "the source " + fullName, true);
        }
    }

    /**
     * The source's branches and tags, asked for in one request first ({@link SourceProbe}), answer the fetch in two
     * cases; empty otherwise (then JGit fetches as usual). A cache that has refs: when the source names exactly those,
     * at the same ids, there is nothing to fetch ({@link #unchanged}). An empty cache with a destination to relay to:
     * the first mirror goes into the cache and on to it in one pass ({@link #relay}). Every branch and tag is fetched
     * whatever the ref globs say (they choose what is pushed), so the comparison is over all of them.
     */
    private Optional<FetchOutcome> fromListing(TransferMeter meter, CredentialsProvider credentials,
                                               RelayDestination relayTo) throws IOException {
        Map<String, ObjectId> cached = mirroredRefs();
        if ((cached.isEmpty() && relayTo == null) || !SourceProbe.enabled(repo.getConfig())) {
            return Optional.empty();
        }
        String authorization = authorization(credentials);
        Optional<SourceProbe.Listing> listing = new SourceProbe(source, meter, timeoutMillis())
                .list(authorization, repo.getConfig());
        if (listing.isEmpty()) {
            return Optional.empty();
        }
        return cached.isEmpty() ? relay(listing.get(), meter, authorization, relayTo)
                : unchanged(listing.get(), cached, meter);
    }

    private Optional<FetchOutcome> unchanged(SourceProbe.Listing listing, Map<String, ObjectId> cached,
                                             TransferMeter meter) {
        if (!listing.refs().equals(cached)) {
            return Optional.empty();
        }
        lease.touch();
        return Optional.of(new FetchOutcome(meter.bytesRead(), count(cached, Constants.R_HEADS),
                count(cached, Constants.R_TAGS), defaultBranch(listing.head(), cached), 0));
    }

    /**
     * An empty cache whose source listed branches and tags that are all mirrored: the destination is prepared
     * ({@code relayTo}) and, when it is empty too, the source's pack goes into the cache and on to it in one pass.
     * Empty when any of that does not hold or the relay did not fill the cache.
     */
    private Optional<FetchOutcome> relay(SourceProbe.Listing listing, TransferMeter meter, String authorization,
                                         RelayDestination relayTo) throws IOException {
        Map<String, ObjectId> refs = listing.refs();
        if (refs.isEmpty() || !refs.keySet().stream().allMatch(filter::mirrors)) {
            return Optional.empty();
        }
        Optional<PushTarget> prepared = relayTo.prepare();
        if (prepared.isEmpty() || prepared.get().isLocal()) {
            return Optional.empty();
        }
        PushTarget target = prepared.get();
        GitMirror.requireHttp(target.url());
        String defaultBranch = defaultBranch(listing.head(), refs);
        String destinationAuthorization = target.user() != null && target.secret() != null
                ? SourceProbe.basic(target.user(), target.secret().toCharArray()) : null;
        PushGuard guard = relayTo.guard();
        PushGuard stopping = new PushGuard() {
            @Override
            public void check(String before) {
                MirrorSession.check(guard);
            }

            @Override
            public boolean cancelled() {
                return guard.cancelled();
            }
        };
        FirstMirrorRelay.Outcome outcome;
        try {
            outcome = new FirstMirrorRelay(repo, source, authorization, meter, timeoutMillis()).run(refs,
                    defaultBranch == null ? null : Constants.R_HEADS + defaultBranch, target.url(),
                    destinationAuthorization, stopping);
        } catch (IOException | RuntimeException e) {
            if (e instanceof GuardStopped) {
                throw e;
            }
            log.info("first mirror of {} not relayed, fetching it: {}", fullName, e.toString());
            return Optional.empty();
        }
        if (!outcome.cacheFilled()) {
            return Optional.empty();
        }
        lease.touch();
        relayed = new Relayed(target, new PushOutcome(outcome.bytesPushed(), outcome.accepted().size(), 0),
                outcome.accepted().containsAll(refs.keySet()));
        return Optional.of(new FetchOutcome(meter.bytesRead(), count(refs, Constants.R_HEADS),
                count(refs, Constants.R_TAGS), defaultBranch, refs.size(), true));
    }

    /**
     * What a first mirror's relay landed on {@code target}, counted in the push to it that follows; {@code complete}
     * when that was every ref the cache has, so the push has nothing to ask the destination.
     */
    private record Relayed(PushTarget target, PushOutcome outcome, boolean complete) {
    }

    /** The Basic {@code Authorization} header the transport would send preemptively, or null for anonymous. */
    private String authorization(CredentialsProvider credentials) {
        return withBasic(credentials, source, SourceProbe::basic);
    }

    /**
     * What {@code use} makes of the user and password {@code credentials} give for {@code uri} (the password array is
     * cleared afterwards), or null when there are none: the one place both the transport's preemptive Basic and the
     * probe's header read them.
     */
    private static <T> T withBasic(CredentialsProvider credentials, URIish uri,
                                   java.util.function.BiFunction<String, char[], T> use) {
        CredentialItem.Username user = new CredentialItem.Username();
        CredentialItem.Password password = new CredentialItem.Password();
        if (credentials == null || !credentials.get(uri, user, password)) {
            return null;
        }
        try {
            return use.apply(user.getValue(), password.getValue());
        } finally {
            password.clear();
        }
    }

    /**
     * The branch and tag tips in the cache (after {@link #fetch()}: the source's, as fetched and then pushed), by ref
     * name, as object ids in hex; what control-service's freshness check compares with the source.
     */
    public Map<String, String> refTips() {
        try {
            Map<String, String> tips = new HashMap<>();
            mirroredRefs().forEach((name, id) -> tips.put(name, id.getName()));
            return tips;
        } catch (IOException e) {
            throw translate(e, "the cache of " + fullName, false);
        }
    }

    /**
     * Whether {@code branch} (a name, {@code main}) is among the refs this session mirrors: a default branch the
     * ref globs leave out never reaches the destination, so the destination cannot follow it.
     */
    public boolean mirrorsBranch(String branch) {
        return filter.mirrors(Constants.R_HEADS + branch);
    }

    /** {@link #push(PushTarget, String, PushGuard)} without a guard. */
    public PushOutcome push(PushTarget target, String defaultBranch) {
        return push(target, defaultBranch, PushGuard.NONE);
    }

    /**
     * Brings {@code target} to the cache's state for the mirrored refs (README "Vault and exact mode"): every branch
     * and tag that differs is updated (non-fast-forward allowed: the source is the truth), in one push; while the
     * destination lacks the default branch, it is the push's last branch update, which an empty OneDev repository takes
     * as HEAD (PushPlan); destination branches and tags the source lacks
     * are deleted when {@code forgesync.mirror.mirror-deletions} is on. In vault mode a tip that an update or a
     * deletion would make unreachable is first kept under the archive prefix (one extra push, only then). Every
     * update is a compare-and-swap on the value the destination advertised when the plan was made
     * ({@code --force-with-lease}): a ref that moved since fails the push ({@code destination_changed}), never
     * overwritten. A ref the destination refuses is reported in the outcome and the others still go through.
     * {@code guard} is asked right before each batch is sent and can cancel a transfer; its exception goes through
     * unchanged.
     */
    public PushOutcome push(PushTarget target, String defaultBranch, PushGuard guard) {
        TransferMeter meter = new TransferMeter();
        try (Transport transport = Transport.open(repo, destinationUri(target))) {
            configure(transport, target, meter);
            boolean relayedHere = relayed != null && relayed.target().equals(target);
            if (relayedHere && relayed.complete()) {
                return relayed.outcome(); // every ref landed on a destination that had none: nothing to plan
            }
            PushOutcome earlier = relayedHere ? relayed.outcome() : new PushOutcome(0, 0, 0);
            PushPlan plan = planner().plan(mirroredRefs(), advertisedRefs(transport), defaultBranch);
            if (plan.isEmpty()) {
                return earlier;
            }
            recoverArchivedTips(plan, target);
            transport.setPackConfig(packConfig(plan));
            IsolatedPush push = new IsolatedPush(transport, new Cancellable(guard), () -> check(guard));
            List<ArchivedRef> archived = archive(plan, push);
            push.send(plan.updates);
            PushOutcome now = outcome(meter, push, archived);
            return new PushOutcome(earlier.bytesPushed() + now.bytesPushed(), earlier.refsUpdated() + now.refsUpdated(),
                    now.refsDeleted(), now.archived(), now.rejected());
        } catch (GuardStopped e) {
            throw e.reason;
        } catch (GitFailure e) {
            throw e;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw translate(e, "the destination " + target.display(), false);
        }
    }

    private PushPlan.Planner planner() {
        return new PushPlan.Planner(repo, vault, properties.mirrorDeletions(), filter, fetched,
                java.time.Instant.now());
    }

    /**
     * Pushes the archive refs first; an update whose archive the destination refused is not sent (it would lose the
     * tip) and counts as rejected with the archive's reason.
     */
    private List<ArchivedRef> archive(PushPlan plan, IsolatedPush push) throws IOException {
        if (plan.archives.isEmpty()) {
            return List.of();
        }
        push.send(plan.archives.stream().map(PushPlan.Archive::create).toList());
        List<ArchivedRef> kept = new ArrayList<>();
        for (PushPlan.Archive a : plan.archives) {
            if (push.wasAccepted(a.create())) {
                kept.add(a.record());
            } else {
                plan.updates.remove(a.dependent());
                String why = push.rejected().stream().filter(r -> r.ref().equals(a.record().archive()))
                        .map(RejectedRef::reason).findFirst().orElse("no answer");
                push.rejected().removeIf(r -> r.ref().equals(a.record().archive()));
                push.rejected().add(new RejectedRef(a.record().ref(), "not moved: its archive "
                        + a.record().archive() + " was refused: " + why));
            }
        }
        return kept;
    }

    private static PushOutcome outcome(TransferMeter meter, IsolatedPush push, List<ArchivedRef> archived) {
        int updated = 0;
        int deleted = 0;
        for (RemoteRefUpdate u : push.accepted()) {
            if (VaultNames.isArchive(u.getRemoteName())) {
                continue;
            }
            if (u.isDelete()) {
                deleted++;
            } else {
                updated++;
            }
        }
        return new PushOutcome(meter.bytesWritten(), updated, deleted, archived, List.copyOf(push.rejected()));
    }

    /**
     * An archived tip the cache lacks (the cache was evicted and rebuilt after the source dropped it, or someone
     * pushed to the destination directly) is fetched from the destination itself, so the archive push can name it.
     */
    private void recoverArchivedTips(PushPlan plan, PushTarget target) throws IOException, URISyntaxException {
        List<String> missing = plan.missingArchivedRefs(repo);
        if (missing.isEmpty()) {
            return;
        }
        List<RefSpec> specs = missing.stream().map(ref -> new RefSpec(ref + ":" + RECOVERED + ref)).toList();
        try (Transport transport = Transport.open(repo, destinationUri(target))) {
            configure(transport, target, new TransferMeter());
            transport.setTagOpt(TagOpt.NO_TAGS);
            transport.fetch(NullProgressMonitor.INSTANCE, specs);
        }
        for (Ref recovered : repo.getRefDatabase().getRefsByPrefix(RECOVERED)) {
            org.eclipse.jgit.lib.RefUpdate delete = repo.updateRef(recovered.getName());
            delete.setForceUpdate(true);
            delete.delete();
        }
    }

    private static void check(PushGuard guard) {
        try {
            guard.check("pushing refs");
        } catch (RuntimeException e) {
            throw new GuardStopped(e);
        }
    }

    /**
     * Into an empty destination the cache's pack goes as it is: its deltas were chosen by the source, and every base
     * is sent too, so searching for new deltas (JGit's default, for every object stored whole) costs CPU for nothing.
     * A later push keeps the search: it sends few objects, and those arrived as a thin pack completed with whole bases.
     */
    private PackConfig packConfig(PushPlan plan) {
        PackConfig config = new PackConfig(repo);
        config.setReuseDeltas(true);
        config.setReuseObjects(true);
        config.setDeltaCompress(!plan.emptyDestination);
        return config;
    }

    private static Map<String, Ref> advertisedRefs(Transport transport) throws IOException {
        try (PushConnection connection = transport.openPush()) {
            return connection.getRefsMap();
        }
    }

    /** Carries the guard's own exception out of the JGit translation. */
    private static final class GuardStopped extends RuntimeException {
        private final RuntimeException reason;

        GuardStopped(RuntimeException reason) {
            super(null, null, false, false);
            this.reason = reason;
        }
    }

    /** JGit polls {@link #isCancelled()} while it writes the pack. */
    private static final class Cancellable implements ProgressMonitor {
        private final PushGuard guard;

        Cancellable(PushGuard guard) {
            this.guard = guard;
        }

        @Override
        public boolean isCancelled() {
            return guard.cancelled();
        }

        @Override
        public void start(int totalTasks) {
        }

        @Override
        public void beginTask(String title, int totalWork) {
        }

        @Override
        public void update(int completed) {
        }

        @Override
        public void endTask() {
        }

        @Override
        public void showDuration(boolean enabled) {
        }
    }

    private void configure(Transport transport, PushTarget target, TransferMeter meter) {
        transport.setPushThin(true);
        transport.setTimeout(timeoutSeconds());
        if (target.user() != null && target.secret() != null) {
            authenticate(transport, new UsernamePasswordCredentialsProvider(target.user(), target.secret()));
        }
        meter.attach(transport);
    }

    /**
     * Over HTTP the credentials go with the first request (Basic, as git sends them once it knows the realm), so a
     * ref advertisement is one request, not a 401 and a retry: OneDev's and GitHub's filters read the
     * {@code Authorization} header on every request (onedev-api.md §1.5). The provider stays for a server that
     * challenges anyway.
     */
    private static void authenticate(Transport transport, CredentialsProvider credentials) {
        if (credentials == null) {
            return;
        }
        transport.setCredentialsProvider(credentials);
        if (transport instanceof TransportHttp http) {
            withBasic(credentials, transport.getURI(), (user, password) -> {
                http.setPreemptiveBasicAuthentication(user, new String(password));
                return null;
            });
        }
    }

    private URIish destinationUri(PushTarget target) throws IOException, URISyntaxException {
        if (target.isLocal()) {
            GitMirror.openOrInitBare(target.localDirectory()).close();
            return new URIish(target.localDirectory().toAbsolutePath().toString());
        }
        GitMirror.requireHttp(target.url());
        return new URIish(target.url().toString());
    }

    private Map<String, ObjectId> mirroredRefs() throws IOException {
        Map<String, ObjectId> refs = new HashMap<>();
        for (String prefix : MIRRORED) {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(prefix)) {
                refs.put(ref.getName(), ref.getObjectId());
            }
        }
        return refs;
    }

    private static int count(Map<String, ObjectId> refs, String prefix) {
        return (int) refs.keySet().stream().filter(n -> n.startsWith(prefix)).count();
    }

    private static String advertisedDefaultBranch(FetchResult result, Map<String, ObjectId> refs) {
        Ref head = result.getAdvertisedRef(Constants.HEAD);
        return defaultBranch(head != null && head.isSymbolic() ? head.getTarget().getName() : null, refs);
    }

    /** The branch {@code head} (HEAD's target, a ref name, or null) names, when it is one the cache has. */
    private static String defaultBranch(String head, Map<String, ObjectId> refs) {
        return head != null && head.startsWith(Constants.R_HEADS) && refs.containsKey(head)
                ? head.substring(Constants.R_HEADS.length()) : null;
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1000, properties.ioTimeout().toMillis()));
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, properties.ioTimeout().toSeconds());
    }

    private static GitFailure translate(Exception e, String where, boolean isSource) {
        if (e instanceof GitFailure g) {
            return g;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoRemoteRepositoryException) {
                return isSource ? GitFailure.sourceGone(where, e)
                        : new GitFailure("destination_not_found", false, "repository not found at " + where, e);
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (isSource && GONE.matcher(message).find()) {
                return GitFailure.sourceGone(where, e);
            }
            if (message.contains("redirect")) {
                return GitFailure.disallowedRemote("redirect refused from " + where, e);
            }
            if (message.contains("not authorized") || message.contains("authentication is required")) {
                return isSource ? GitFailure.sourceGone(where, e) : GitFailure.authRejected(where, e);
            }
        }
        return GitFailure.transfer("git transfer with " + where + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            repo.close();
        } finally {
            lease.close();
            cache.evictBeyondLimit(lease.dir);
        }
    }
}
