package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TrackingRefUpdate;

/**
 * What one push sends, planned from the destination's advertisement: every mirrored ref that differs, each a
 * compare-and-swap on the advertised value, in one batch; while the destination lacks the default branch, that
 * branch is the batch's last branch update (OneDev makes it HEAD, see {@link Planner#plan}); deletions of refs the
 * source lacks when deletions are mirrored. In vault mode an update that would make the destination's tip
 * unreachable (a branch whose tip is not an ancestor of its new value, any tag that moves, any deletion) first gets
 * an archive ref at the old tip; the update depends on it and is dropped if the archive is refused.
 *
 * <p>The ancestry check costs nothing for a fast-forward the fetch already saw (the cache moved the ref from the
 * destination's value by fast-forward); otherwise it is one walk in the cache.
 */
final class PushPlan {

    /** An archive and the update that may only happen once it exists. */
    record Archive(ArchivedRef record, RemoteRefUpdate create, RemoteRefUpdate dependent) {
    }

    final List<Archive> archives = new ArrayList<>();
    final List<RemoteRefUpdate> updates = new ArrayList<>();
    /** No mirrored branch or tag at the destination yet: a first push, sent without a new delta search. */
    boolean emptyDestination;

    boolean isEmpty() {
        return archives.isEmpty() && updates.isEmpty();
    }

    /** The tips archives point at that the cache does not hold (the destination has them; fetch them first). */
    List<String> missingArchivedRefs(Repository repo) throws IOException {
        List<String> missing = new ArrayList<>();
        for (Archive a : archives) {
            if (!repo.getObjectDatabase().has(ObjectId.fromString(a.record().oldTip()))) {
                missing.add(a.record().ref());
            }
        }
        return missing;
    }

    /**
     * Moves the update of {@code defaultRef} (each update named by {@code name}) to the end of {@code updates}, the
     * others keeping their order: OneDev's post-receive callback makes the first branch it handles HEAD of a
     * repository without one, and it handles a push's ref updates from the last to the first
     * (GitPostReceiveCallback reverses the hook's joined stdin before it parses it), so the default branch goes last
     * to be the one. The sync then sets the default branch through the REST API anyway (OneDevDestination#present).
     * Every push into a destination that lacks its default branch orders its updates so: this plan's, and a first
     * mirror's relay (FirstMirrorRelay).
     */
    static <T> void defaultBranchLast(List<T> updates, java.util.function.Function<T, String> name,
                                      String defaultRef) {
        updates.stream().filter(u -> name.apply(u).equals(defaultRef)).findFirst().ifPresent(u -> {
            updates.remove(u);
            updates.add(u);
        });
    }

    static final class Planner {
        private final Repository repo;
        private final boolean vault;
        private final boolean deletions;
        private final RefFilter filter;
        private final Map<String, TrackingRefUpdate> fetched;
        private final Instant now;

        Planner(Repository repo, boolean vault, boolean deletions, RefFilter filter,
                Map<String, TrackingRefUpdate> fetched, Instant now) {
            this.repo = repo;
            this.vault = vault;
            this.deletions = deletions;
            this.filter = filter;
            this.fetched = fetched;
            this.now = now;
        }

        PushPlan plan(Map<String, ObjectId> local, Map<String, Ref> remote, String defaultBranch) throws IOException {
            PushPlan plan = new PushPlan();
            Set<String> taken = new HashSet<>(remote.keySet());
            String defaultRef = defaultBranch == null ? null : Constants.R_HEADS + defaultBranch;
            try (RevWalk walk = new RevWalk(repo)) {
                for (Map.Entry<String, ObjectId> e : new LinkedHashMap<>(local).entrySet()) {
                    String name = e.getKey();
                    ObjectId there = advertised(remote, name);
                    if (!filter.mirrors(name) || e.getValue().equals(there)) {
                        continue;
                    }
                    RemoteRefUpdate u = new RemoteRefUpdate(repo, name, name, true, null, there);
                    plan.updates.add(u);
                    if (vault && !there.equals(ObjectId.zeroId()) && !fastForward(walk, name, there, e.getValue())) {
                        plan.archives.add(archive(name, there, e.getValue(), u, taken));
                    }
                }
            }
            if (deletions) {
                planDeletions(plan, local, remote, taken);
            }
            // One push, as git push sends it: a first push in two batches (the default branch with the tags, then
            // the other branches) so that the default branch arrived alone cost a second advertisement, pack and
            // server-side connectivity walk: gson's first push took 1.65 s in two, 1.40 s in one (docs/benchmarks.md).
            if (defaultRef != null && advertised(remote, defaultRef).equals(ObjectId.zeroId())) {
                defaultBranchLast(plan.updates, RemoteRefUpdate::getRemoteName, defaultRef);
            }
            plan.emptyDestination = remote.keySet().stream().noneMatch(filter::mirrors);
            return plan;
        }

        private void planDeletions(PushPlan plan, Map<String, ObjectId> local, Map<String, Ref> remote,
                                   Set<String> taken) throws IOException {
            for (String name : remote.keySet()) {
                if (filter.mirrors(name) && !local.containsKey(name)) {
                    ObjectId there = advertised(remote, name);
                    RemoteRefUpdate u = new RemoteRefUpdate(repo, (String) null, name, true, null, there);
                    plan.updates.add(u);
                    if (vault) {
                        plan.archives.add(archive(name, there, null, u, taken));
                    }
                }
            }
        }

        private Archive archive(String ref, ObjectId oldTip, ObjectId newTip, RemoteRefUpdate dependent,
                                Set<String> taken) throws IOException {
            String archive = VaultNames.archiveFor(ref, oldTip, now, taken);
            taken.add(archive);
            RemoteRefUpdate create = new RemoteRefUpdate(repo, (String) null, oldTip, archive, false, null,
                    ObjectId.zeroId());
            ArchivedRef record = new ArchivedRef(ref, archive, oldTip.name(), newTip == null ? null : newTip.name());
            return new Archive(record, create, dependent);
        }

        /** Tags never move in place without loss; a branch moves safely when its old tip is in the new history. */
        private boolean fastForward(RevWalk walk, String name, ObjectId there, ObjectId next) throws IOException {
            if (!name.startsWith(Constants.R_HEADS)) {
                return false;
            }
            TrackingRefUpdate seen = fetched.get(name);
            if (seen != null && seen.getOldObjectId().equals(there)
                    && seen.getResult() == org.eclipse.jgit.lib.RefUpdate.Result.FAST_FORWARD) {
                return true;
            }
            if (!repo.getObjectDatabase().has(there)) {
                return false; // never fetched from the source: not in the new history, whatever it is
            }
            try {
                walk.reset();
                return walk.isMergedInto(walk.parseCommit(there), walk.parseCommit(next));
            } catch (IncorrectObjectTypeException | MissingObjectException notACommit) {
                return false;
            }
        }

        private static ObjectId advertised(Map<String, Ref> remote, String name) {
            Ref there = remote.get(name);
            return there == null || there.getObjectId() == null ? ObjectId.zeroId() : there.getObjectId();
        }
    }
}
