package dev.forgesync.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Commits written straight into bare repositories (the sources), and the ref maps the ledger compares. */
final class GitRepos {

    private static final PersonIdent AUTHOR = new PersonIdent("E2E", "e2e@forgesync.invalid");

    private GitRepos() {
    }

    /** A new commit on {@code branch} (created if missing) adding one file; returns the commit id. */
    static ObjectId commit(Path bareRepo, String branch, String file, byte[] content) {
        try (Repository repo = open(bareRepo); ObjectInserter inserter = repo.newObjectInserter()) {
            ObjectId parent = repo.resolve(Constants.R_HEADS + branch);
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB, content);
            TreeFormatter tree = new TreeFormatter();
            tree.append(file, FileMode.REGULAR_FILE, blob);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(tree));
            if (parent != null) {
                commit.setParentId(parent);
            }
            commit.setAuthor(AUTHOR);
            commit.setCommitter(AUTHOR);
            commit.setMessage("e2e " + file + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            update(repo, Constants.R_HEADS + branch, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectId commit(Path bareRepo, String branch, String file, String content) {
        return commit(bareRepo, branch, file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A lightweight tag. */
    static void tag(Path bareRepo, String tag, ObjectId target) {
        try (Repository repo = open(bareRepo)) {
            update(repo, Constants.R_TAGS + tag, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code refs/heads/*} and {@code refs/tags/*} with their object ids. */
    static Map<String, String> refs(Path bareRepo) {
        Map<String, String> refs = new TreeMap<>();
        try (Repository repo = open(bareRepo)) {
            for (Ref ref : repo.getRefDatabase().getRefs()) {
                String name = ref.getName();
                if ((name.startsWith(Constants.R_HEADS) || name.startsWith(Constants.R_TAGS)) && ref.getObjectId() != null) {
                    refs.put(name, ref.getObjectId().name());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return refs;
    }

    /** Walks every object reachable from every ref: a half-written ref (pointing at missing objects) throws. */
    static int assertFullyConnected(Path bareRepo) {
        try (Repository repo = open(bareRepo); ObjectWalk walk = new ObjectWalk(repo)) {
            for (Ref ref : repo.getRefDatabase().getRefs()) {
                if (ref.getObjectId() != null) {
                    walk.markStart(walk.parseAny(ref.getObjectId()));
                }
            }
            int objects = 0;
            while (walk.next() != null) {
                objects++;
            }
            RevObject o;
            while ((o = walk.nextObject()) != null) {
                repo.getObjectDatabase().open(o).getSize();
                objects++;
            }
            return objects;
        } catch (IOException e) {
            throw new AssertionError(bareRepo + " has a ref to missing objects: " + e, e);
        }
    }

    private static void update(Repository repo, String ref, ObjectId id) throws IOException {
        RefUpdate update = repo.updateRef(ref);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED && result != RefUpdate.Result.FAST_FORWARD
                && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("could not update " + ref + ": " + result);
        }
    }

    private static Repository open(Path bareRepo) throws IOException {
        return FileRepositoryBuilder.create(bareRepo.toFile());
    }
}
