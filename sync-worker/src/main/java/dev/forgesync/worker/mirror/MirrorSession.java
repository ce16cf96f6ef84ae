package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import dev.forgesync.worker.config.MirrorProperties;

/**
 * One repository's cache, leased for a sync: {@link #fetch()} brings it to the source's state (branches and tags,
 * pruned), {@link #push(PushTarget, String)} brings a destination to the cache's state with a thin pack, the default
 * branch first. Only {@code refs/heads/*} and {@code refs/tags/*} are ever touched on either side.
 */
public final class MirrorSession implements AutoCloseable {

    private static final List<String> MIRRORED = List.of(Constants.R_HEADS, Constants.R_TAGS);
    private static final List<RefSpec> FETCHED = List.of(new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    private final String fullName;
    private final URIish source;
    private final CredentialsProvider sourceCredentials;
    private final Repository repo;
    private final MirrorCache.Lease lease;
    private final MirrorCache cache;
    private final MirrorProperties properties;

    MirrorSession(String fullName, URIish source, CredentialsProvider sourceCredentials, Repository repo,
                  MirrorCache.Lease lease, MirrorCache cache, MirrorProperties properties) {
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
        TransferMeter meter = new TransferMeter();
        try (Transport transport = Transport.open(repo, source)) {
            transport.setCredentialsProvider(sourceCredentials);
            transport.setTimeout(timeoutSeconds());
            transport.setTagOpt(TagOpt.NO_TAGS);
            transport.setRemoveDeletedRefs(true);
            meter.attach(transport);
            FetchResult result = transport.fetch(NullProgressMonitor.INSTANCE, FETCHED);
            lease.touch();
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

    /** {@link #push(PushTarget, String, PushGuard)} without a guard. */
    public PushOutcome push(PushTarget target, String defaultBranch) {
        return push(target, defaultBranch, PushGuard.NONE);
    }

    /**
     * Pushes every branch and tag that differs at {@code target} (non-fast-forward allowed: the source is the truth),
     * the default branch in a push of its own first so an empty destination takes it as HEAD; deletes destination
     * branches and tags the source lacks when {@code forgesync.mirror.mirror-deletions} is on. Every update is a
     * compare-and-swap on the value the destination advertised when the plan was made ({@code --force-with-lease}):
     * a ref that moved since is rejected ({@code destination_changed}), never overwritten. {@code guard} is asked
     * right before each batch is sent and can cancel a transfer; its exception goes through unchanged. Every ref's
     * result is checked.
     */
    public PushOutcome push(PushTarget target, String defaultBranch, PushGuard guard) {
        TransferMeter meter = new TransferMeter();
        try (Transport transport = Transport.open(repo, destinationUri(target))) {
            configure(transport, target, meter);
            Plan plan = plan(mirroredRefs(), advertisedRefs(transport), defaultBranch);
            if (plan.isEmpty()) {
                return new PushOutcome(0, 0, 0);
            }
            pushChecked(transport, plan.first(), guard);
            pushChecked(transport, plan.rest(), guard);
            return new PushOutcome(meter.bytesWritten(), plan.updated(), plan.deleted());
        } catch (GuardStopped e) {
            throw e.reason;
        } catch (GitFailure e) {
            throw e;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw translate(e, "the destination " + target.display(), false);
        }
    }

    private record Plan(List<RemoteRefUpdate> first, List<RemoteRefUpdate> rest, int updated, int deleted) {
        boolean isEmpty() {
            return first.isEmpty() && rest.isEmpty();
        }
    }

    private static Map<String, Ref> advertisedRefs(Transport transport) throws IOException {
        try (PushConnection connection = transport.openPush()) {
            return connection.getRefsMap();
        }
    }

    /** Each update expects the advertised value (or no ref, for a creation): the lease it was planned on. */
    private Plan plan(Map<String, ObjectId> local, Map<String, Ref> remote, String defaultBranch) throws IOException {
        List<RemoteRefUpdate> first = new ArrayList<>();
        List<RemoteRefUpdate> rest = new ArrayList<>();
        String defaultRef = defaultBranch == null ? null : Constants.R_HEADS + defaultBranch;
        int updated = 0;
        for (Map.Entry<String, ObjectId> e : local.entrySet()) {
            ObjectId there = advertised(remote, e.getKey());
            if (!e.getValue().equals(there)) {
                RemoteRefUpdate u = new RemoteRefUpdate(repo, e.getKey(), e.getKey(), true, null, there);
                (e.getKey().equals(defaultRef) ? first : rest).add(u);
                updated++;
            }
        }
        int deleted = 0;
        if (properties.mirrorDeletions()) {
            for (String name : remote.keySet()) {
                if (isMirrored(name) && !local.containsKey(name)) {
                    rest.add(new RemoteRefUpdate(repo, (String) null, name, true, null, advertised(remote, name)));
                    deleted++;
                }
            }
        }
        return new Plan(first, rest, updated, deleted);
    }

    /** The advertised id of {@code name}, or the zero id ("must not exist") when the destination lacks it. */
    private static ObjectId advertised(Map<String, Ref> remote, String name) {
        Ref there = remote.get(name);
        return there == null || there.getObjectId() == null ? ObjectId.zeroId() : there.getObjectId();
    }

    private void pushChecked(Transport transport, List<RemoteRefUpdate> updates, PushGuard guard) throws IOException {
        if (updates.isEmpty()) {
            return;
        }
        try {
            guard.check("pushing " + updates.size() + " refs");
        } catch (RuntimeException e) {
            throw new GuardStopped(e);
        }
        PushResult result = transport.push(new Cancellable(guard), updates);
        List<String> rejected = new ArrayList<>();
        boolean moved = false;
        for (RemoteRefUpdate u : result.getRemoteUpdates()) {
            RemoteRefUpdate.Status s = u.getStatus();
            if (s != RemoteRefUpdate.Status.OK && s != RemoteRefUpdate.Status.UP_TO_DATE
                    && s != RemoteRefUpdate.Status.NON_EXISTING) {
                moved |= s == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED;
                rejected.add(u.getRemoteName() + " " + s + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")"));
            }
        }
        if (moved) {
            throw new GitFailure("destination_changed", true,
                    "destination refs moved since the push was planned: " + String.join(", ", rejected), null);
        }
        if (!rejected.isEmpty()) {
            throw GitFailure.pushRejected(String.join(", ", rejected));
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
            transport.setCredentialsProvider(new UsernamePasswordCredentialsProvider(target.user(), target.secret()));
        }
        meter.attach(transport);
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

    private static boolean isMirrored(String name) {
        return name.startsWith(Constants.R_HEADS) || name.startsWith(Constants.R_TAGS) && !name.endsWith("^{}");
    }

    private static int count(Map<String, ObjectId> refs, String prefix) {
        return (int) refs.keySet().stream().filter(n -> n.startsWith(prefix)).count();
    }

    private static String advertisedDefaultBranch(FetchResult result, Map<String, ObjectId> refs) {
        Ref head = result.getAdvertisedRef(Constants.HEAD);
        if (head != null && head.isSymbolic() && refs.containsKey(head.getTarget().getName())) {
            return head.getTarget().getName().substring(Constants.R_HEADS.length());
        }
        return null;
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
                return isSource ? GitFailure.sourceNotFound(where, e)
                        : new GitFailure("destination_not_found", false, "repository not found at " + where, e);
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("redirect")) {
                return GitFailure.disallowedRemote("redirect refused from " + where, e);
            }
            if (message.contains("not authorized") || message.contains("authentication is required")) {
                return isSource ? GitFailure.sourceNotFound(where, e) : GitFailure.authRejected(where, e);
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
