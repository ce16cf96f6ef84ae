package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.util.unit.DataSize;

import dev.forgesync.worker.config.GitProperties;
import dev.forgesync.worker.config.MirrorProperties;

/**
 * The worker's start-up warm-up (JitWarmUp): a real first mirror of a generated history, done before the worker
 * answers or consumes, that never keeps the worker from starting.
 */
@ExtendWith(OutputCaptureExtension.class)
class JitWarmUpTest {

    @TempDir
    Path dir;

    @Test
    void mirrorsTheGeneratedHistoryWholeIntoAnEmptyDestination() throws IOException {
        JitWarmUp.Result result = JitWarmUp.run(dir, 500, properties());

        Map<String, ObjectId> source = refs(dir.resolve("source.git"));
        assertThat(source).containsKeys("refs/heads/main", "refs/heads/maintenance-499", "refs/tags/v99",
                "refs/tags/v499").hasSize(2 + 5);
        assertThat(refs(dir.resolve("destination.git"))).isEqualTo(source);
        assertThat(result.refs()).isEqualTo(source.size());
        try (Repository destination = open(dir.resolve("destination.git")); RevWalk walk = new RevWalk(destination)) {
            walk.markStart(walk.parseCommit(destination.resolve("refs/heads/main")));
            int commits = 0;
            for (RevCommit ignored : walk) {
                commits++;
            }
            assertThat(commits).as("the whole history reached the destination").isEqualTo(500);
        }
    }

    @Test
    void runsBeforeTheActuatorAndTheKafkaListeners() {
        JitWarmUp warmUp = new JitWarmUp(git(10), properties());

        assertThat(warmUp.getPhase())
                .isLessThan(SmartLifecycle.DEFAULT_PHASE - 1024) // Boot's web server (WebServerStartStopLifecycle)
                .isLessThan(AbstractMessageListenerContainer.DEFAULT_PHASE);
    }

    @Test
    void startsTheWorkerOnItsOwnThreadAndLeavesNothingBehind(CapturedOutput output) throws IOException {
        AtomicReference<Path> used = new AtomicReference<>();
        JitWarmUp warmUp = new JitWarmUp(git(50), properties(), () -> {
            used.set(Files.createDirectory(dir.resolve("work")));
            return used.get();
        });

        warmUp.start();

        assertThat(warmUp.isRunning()).isTrue();
        assertThat(used.get()).as("the work folder is deleted").doesNotExist();
        assertThat(output).contains("JGit warmed up in").contains("50 commits");
    }

    @Test
    void aFailedWarmUpIsLoggedAndTheWorkerStartsAnyway(CapturedOutput output) {
        JitWarmUp warmUp = new JitWarmUp(git(50), properties(), () -> {
            throw new IOException("no space left on device");
        });

        assertThatCode(warmUp::start).doesNotThrowAnyException();

        assertThat(warmUp.isRunning()).isTrue();
        assertThat(output).contains("JGit warm-up failed").contains("no space left on device");
    }

    @Test
    void zeroCommitsTurnsItOff() {
        AtomicInteger folders = new AtomicInteger();
        JitWarmUp warmUp = new JitWarmUp(git(0), properties(), () -> {
            folders.incrementAndGet();
            return Files.createTempDirectory(dir, "unused");
        });

        warmUp.start();

        assertThat(folders).hasValue(0);
        assertThat(warmUp.isRunning()).isTrue();
    }

    private MirrorProperties properties() {
        return new MirrorProperties(dir.resolve("unused-cache"), DataSize.ofGigabytes(1), false, Duration.ofMinutes(1));
    }

    private static GitProperties git(int warmUpCommits) {
        GitProperties d = GitProperties.defaults();
        return new GitProperties(d.packCache(), d.packWindow(), d.deltaBaseCache(), d.sha1CollisionDetection(),
                warmUpCommits, d.relayFirstMirror());
    }

    private static Repository open(Path dir) throws IOException {
        return FileRepositoryBuilder.create(dir.toFile());
    }

    private static Map<String, ObjectId> refs(Path dir) throws IOException {
        Map<String, ObjectId> refs = new TreeMap<>();
        try (Repository repo = open(dir)) {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
                refs.put(ref.getName(), ref.getObjectId());
            }
        }
        return refs;
    }
}
