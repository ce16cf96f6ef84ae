package dev.forgesync.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A GitHub-side repository for tests: its git directory sits in the GitHub stand-in's root at
 * {@code <owner>/<repo>.git} (so it is served over HTTP), its work tree in a temp folder.
 */
final class SourceRepo implements AutoCloseable {

    private final Git git;
    private final Path work;

    private SourceRepo(Git git, Path work) {
        this.git = git;
        this.work = work;
    }

    static SourceRepo create(Path githubRoot, Path work, String fullName) {
        try {
            Git git = Git.init().setGitDir(githubRoot.resolve(fullName + ".git").toFile())
                    .setDirectory(work.toFile()).setInitialBranch("main").call();
            git.getRepository().getConfig().setBoolean("commit", null, "gpgsign", false);
            return new SourceRepo(git, work);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    RevCommit commit(String branch, String file, byte[] content) {
        try {
            checkout(branch);
            Path target = work.resolve(file);
            Files.createDirectories(target.getParent());
            Files.write(target, content);
            git.add().addFilepattern(file).call();
            return git.commit().setMessage("change " + file + " on " + branch).setSign(false).call();
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    RevCommit commit(String branch, String file, String content) {
        return commit(branch, file, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    void lightweightTag(String name, RevCommit target) {
        call(() -> git.tag().setName(name).setObjectId(target).setAnnotated(false).call());
    }

    void annotatedTag(String name, RevCommit target) {
        call(() -> git.tag().setName(name).setObjectId(target).setMessage("release " + name).setSigned(false).call());
    }

    /** Rewrites the tip of {@code branch} (what {@code git commit --amend && git push --force} does upstream). */
    RevCommit amend(String branch, String file, String content) {
        try {
            checkout(branch);
            Path target = work.resolve(file);
            Files.createDirectories(target.getParent());
            Files.writeString(target, content);
            git.add().addFilepattern(file).call();
            return git.commit().setAmend(true).setMessage("rewritten " + file + " on " + branch).setSign(false).call();
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void deleteTag(String name) {
        call(() -> git.tagDelete().setTags(name).call());
    }

    /** Deletes the repository, as GitHub does when its owner deletes it: it answers 404 from now on. */
    void deleteRepository() {
        try {
            org.eclipse.jgit.util.FileUtils.delete(git.getRepository().getDirectory(),
                    org.eclipse.jgit.util.FileUtils.RECURSIVE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ObjectId tip(String branch) {
        try {
            return git.getRepository().resolve(Constants.R_HEADS + branch);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void deleteBranch(String name) {
        call(() -> {
            checkout("main");
            return git.branchDelete().setBranchNames(name).setForce(true).call();
        });
    }

    /** Points HEAD at a branch that does not exist (GitHub after a default-branch rename, or {@code git init --bare}). */
    void danglingHead(String branch) {
        try {
            RefUpdate u = git.getRepository().updateRef(Constants.HEAD);
            u.disableRefLog();
            u.link(Constants.R_HEADS + branch);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code count} pull request refs ({@code refs/pull/<n>/head}, as GitHub advertises them) on {@code target},
     * written as the repository's packed-refs (which must not exist yet: faster than 10,000 ref updates); the mirror
     * never copies them.
     */
    void pullRequestRefs(int count, ObjectId target) {
        StringBuilder packed = new StringBuilder("# pack-refs with: peeled\n");
        for (int n = 1; n <= count; n++) {
            packed.append(target.name()).append(" refs/pull/").append(n).append("/head\n");
        }
        try {
            Files.writeString(git.getRepository().getDirectory().toPath().resolve("packed-refs"), packed,
                    java.nio.file.StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, ObjectId> refs() {
        return refsOf(git.getRepository());
    }

    /** The refs of a bare repository under {@code prefix} (e.g. {@code refs/heads/forgesync/archive/}). */
    static Map<String, ObjectId> refsOf(Path bareDir, String prefix) {
        Map<String, ObjectId> refs = new TreeMap<>();
        try (Repository repo = FileRepositoryBuilder.create(bareDir.toFile())) {
            for (Ref r : repo.getRefDatabase().getRefsByPrefix(prefix)) {
                refs.put(r.getName(), r.getObjectId());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return refs;
    }

    static Map<String, ObjectId> refsOf(Path bareDir) {
        try (Repository repo = FileRepositoryBuilder.create(bareDir.toFile())) {
            return refsOf(repo);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, ObjectId> refsOf(Repository repo) {
        Map<String, ObjectId> refs = new TreeMap<>();
        try {
            for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                refs.put(r.getName(), r.getObjectId());
            }
            for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                refs.put(r.getName(), r.getObjectId());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return refs;
    }

    private void checkout(String branch) throws GitAPIException, IOException {
        Repository repo = git.getRepository();
        if (repo.resolve(Constants.HEAD) == null) {
            return; // unborn: the first commit creates the initial branch
        }
        if (branch.equals(repo.getBranch())) {
            return;
        }
        boolean exists = repo.findRef(Constants.R_HEADS + branch) != null;
        git.checkout().setName(branch).setCreateBranch(!exists).call();
    }

    private interface GitCall {
        Object call() throws GitAPIException, IOException;
    }

    private static void call(GitCall c) {
        try {
            c.call();
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
