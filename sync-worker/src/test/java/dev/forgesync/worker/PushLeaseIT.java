package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.failure.SyncException;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushGuard;
import dev.forgesync.worker.mirror.PushTarget;

/**
 * Every ref update of a push is a compare-and-swap on what the destination advertised when the push was planned
 * ({@code --force-with-lease}), and the guard is asked right before refs are sent.
 */
class PushLeaseIT {

    @TempDir
    Path dir;

    @Test
    void aPushNeverOverwritesARefThatMovedAfterItWasPlanned() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/lease")) {
            source.commit("main", "a.txt", "a");
            Path destination = dir.resolve("mirror.git");
            GitMirror mirror = mirror(github);
            try (MirrorSession session = mirror.open("octo/lease")) {
                session.fetch();
                session.push(PushTarget.local(destination), "main");
            }
            source.commit("main", "b.txt", "b");
            ObjectId[] movedByAnotherSync = new ObjectId[1];
            PushGuard anotherSyncPushesInBetween = guard(() -> movedByAnotherSync[0] = commitOnTop(destination));

            try (MirrorSession session = mirror.open("octo/lease")) {
                session.fetch();
                assertThatThrownBy(() -> session.push(PushTarget.local(destination), "main", anotherSyncPushesInBetween))
                        .isInstanceOfSatisfying(SyncException.class, e -> {
                            assertThat(e.code()).isEqualTo("destination_changed");
                            assertThat(e.retryable()).isTrue();
                        });
            }
            assertThat(SourceRepo.refsOf(destination)).containsEntry("refs/heads/main", movedByAnotherSync[0]);
        }
    }

    @Test
    void aPushItsGuardRefusesSendsNothingAndFailsWithTheGuardsOwnException() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/refused")) {
            RevCommit first = source.commit("main", "a.txt", "a");
            Path destination = dir.resolve("mirror.git");
            GitMirror mirror = mirror(github);
            try (MirrorSession session = mirror.open("octo/refused")) {
                session.fetch();
                session.push(PushTarget.local(destination), "main");
            }
            source.commit("main", "b.txt", "b");
            IllegalStateException refusal = new IllegalStateException("claim lost");

            try (MirrorSession session = mirror.open("octo/refused")) {
                session.fetch();
                assertThatThrownBy(() -> session.push(PushTarget.local(destination), "main", guard(() -> {
                    throw refusal;
                }))).isSameAs(refusal);
            }
            assertThat(SourceRepo.refsOf(destination)).containsEntry("refs/heads/main", first.getId());
        }
    }

    private GitMirror mirror(GitHttpServer github) {
        return new GitMirror(new GithubProperties(github.baseUri(), null),
                new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), true, Duration.ofSeconds(30)));
    }

    private static PushGuard guard(Runnable check) {
        return new PushGuard() {
            @Override
            public void check(String before) {
                check.run();
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
    }

    /** Another writer moves {@code main} of the bare repository at {@code dir} on by one commit. */
    private static ObjectId commitOnTop(Path dir) {
        try (Repository repo = FileRepositoryBuilder.create(dir.toFile()); ObjectInserter inserter = repo.newObjectInserter()) {
            ObjectId head = repo.resolve("refs/heads/main");
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(repo.parseCommit(head).getTree());
            commit.setParentId(head);
            PersonIdent who = new PersonIdent("another sync", "other@example.com");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage("pushed by another sync");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef(Constants.R_HEADS + "main");
            update.setNewObjectId(id);
            update.setExpectedOldObjectId(head);
            assertThat(update.update()).isEqualTo(RefUpdate.Result.FAST_FORWARD);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
