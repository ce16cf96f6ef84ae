package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.mirror.ArchivedRef;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushOutcome;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.mirror.RejectedRef;

/**
 * Push planning without Kafka: the GitHub stand-in and the OneDev stand-in over real git HTTP, one mirror per mode.
 * Vault mode keeps every tip a force-push or a deletion would drop under {@code forgesync/archive/}; exact mode
 * copies the source; one ref OneDev refuses does not stop the others.
 */
class VaultMirrorIT {

    private static final String TOKEN = "vault-it-token";
    private static final String ARCHIVED_BRANCHES = "refs/heads/forgesync/archive/";
    private static final String ARCHIVED_TAGS = "refs/tags/forgesync/archive/";

    @TempDir
    Path dir;

    private GitHttpServer github;
    private OneDevStandIn onedev;
    private SourceRepo source;
    private OneDevStandIn.Project project;
    private int caches;

    @BeforeEach
    void start() {
        github = GitHttpServer.builder(dir.resolve("github")).start();
        onedev = OneDevStandIn.start(dir.resolve("onedev"), TOKEN);
        source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/vault");
        project = onedev.createProject("vault", null);
    }

    @AfterEach
    void stop() {
        source.close();
        onedev.close();
        github.close();
    }

    @Test
    void aForcePushKeepsTheOldTipUnderTheArchivePrefixInVaultMode() {
        RevCommit old = source.commit("main", "a.txt", "a");
        GitMirror vault = mirror(MirrorMode.VAULT);
        sync(vault);

        RevCommit rewritten = source.amend("main", "a.txt", "rewritten");
        PushOutcome outcome = sync(vault);

        assertThat(outcome.archived()).singleElement().satisfies(a -> {
            assertThat(a.ref()).isEqualTo("refs/heads/main");
            assertThat(a.archive()).matches("refs/heads/forgesync/archive/main/\\d{8}T\\d{6}Z");
            assertThat(a.oldTip()).isEqualTo(old.name());
            assertThat(a.newTip()).isEqualTo(rewritten.name());
            assertThat(a.reason()).isEqualTo("force-pushed");
        });
        assertThat(destinationRefs()).containsEntry("refs/heads/main", rewritten.getId())
                .containsEntry(outcome.archived().get(0).archive(), old.getId());
    }

    @Test
    void aForcePushReplacesTheTipWithoutATraceInExactMode() {
        source.commit("main", "a.txt", "a");
        GitMirror exact = mirror(MirrorMode.EXACT);
        sync(exact);

        RevCommit rewritten = source.amend("main", "a.txt", "rewritten");
        PushOutcome outcome = sync(exact);

        assertThat(outcome.archived()).isEmpty();
        assertThat(destinationRefs()).isEqualTo(source.refs()).containsEntry("refs/heads/main", rewritten.getId());
    }

    @Test
    void aFastForwardArchivesNothingAndTakesOnePush() {
        source.commit("main", "a.txt", "a");
        GitMirror vault = mirror(MirrorMode.VAULT);
        sync(vault);
        source.commit("main", "b.txt", "b");
        onedev.clearRequests();

        PushOutcome outcome = sync(vault);

        assertThat(outcome.archived()).isEmpty();
        assertThat(outcome.refsUpdated()).isEqualTo(1);
        assertThat(onedev.requests().stream().filter(GitHttpServer.Request::isReceivePack)).hasSize(1);
        assertThat(destinationRefs()).isEqualTo(source.refs());
    }

    @Test
    void aDeletedBranchAndADeletedTagAreKeptInVaultMode() {
        RevCommit base = source.commit("main", "a.txt", "a");
        RevCommit doomed = source.commit("doomed", "b.txt", "b");
        source.annotatedTag("v1", base);
        ObjectId tagObject = source.refs().get("refs/tags/v1");
        GitMirror vault = mirror(MirrorMode.VAULT);
        sync(vault);

        source.deleteBranch("doomed");
        source.deleteTag("v1");
        PushOutcome outcome = sync(vault);

        assertThat(outcome.refsDeleted()).isEqualTo(2);
        assertThat(outcome.archived()).extracting(ArchivedRef::ref, ArchivedRef::reason)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("refs/heads/doomed", "deleted"),
                        org.assertj.core.groups.Tuple.tuple("refs/tags/v1", "deleted"));
        Map<String, ObjectId> refs = destinationRefs();
        assertThat(refs).doesNotContainKeys("refs/heads/doomed", "refs/tags/v1");
        assertThat(SourceRepo.refsOf(repository(), ARCHIVED_BRANCHES).values()).containsExactly(doomed.getId());
        assertThat(SourceRepo.refsOf(repository(), ARCHIVED_TAGS).values()).containsExactly(tagObject);
    }

    @Test
    void aDeletedBranchAndADeletedTagAreRemovedInExactMode() {
        RevCommit base = source.commit("main", "a.txt", "a");
        source.commit("doomed", "b.txt", "b");
        source.annotatedTag("v1", base);
        GitMirror exact = mirror(MirrorMode.EXACT);
        sync(exact);

        source.deleteBranch("doomed");
        source.deleteTag("v1");
        PushOutcome outcome = sync(exact);

        assertThat(outcome.refsDeleted()).isEqualTo(2);
        assertThat(destinationRefs()).isEqualTo(source.refs()).doesNotContainKeys("refs/heads/doomed", "refs/tags/v1");
        assertThat(SourceRepo.refsOf(repository(), "refs/heads/forgesync/")).isEmpty();
    }

    @Test
    void aTipTheCacheNeverHadIsFetchedBackFromTheDestinationAndArchived() {
        RevCommit old = source.commit("main", "a.txt", "a");
        sync(mirror(MirrorMode.VAULT));

        RevCommit rewritten = source.amend("main", "a.txt", "rewritten");
        PushOutcome outcome = sync(mirror(MirrorMode.VAULT)); // a fresh cache: it only ever saw the rewritten tip

        assertThat(outcome.archived()).singleElement().satisfies(a -> assertThat(a.oldTip()).isEqualTo(old.name()));
        assertThat(destinationRefs()).containsEntry("refs/heads/main", rewritten.getId())
                .containsValue(old.getId());
    }

    @Test
    void oneRefOneDevRefusesOfFiftyLeavesTheOtherFortyNineUpdated() {
        source.commit("main", "a.txt", "a");
        IntStream.range(1, 50).forEach(i -> source.commit("b" + i, "f" + i + ".txt", "b" + i));
        String message = "Cannot push to this branch according to branch protection setting";
        onedev.protect(project.id(), "refs/heads/b7"::equals, message);

        PushOutcome outcome = sync(mirror(MirrorMode.VAULT));

        assertThat(outcome.rejected()).extracting(RejectedRef::ref).containsExactly("refs/heads/b7");
        assertThat(outcome.rejected().get(0).reason()).contains(message);
        assertThat(outcome.refsUpdated()).isEqualTo(49);
        Map<String, ObjectId> expected = new java.util.TreeMap<>(source.refs());
        expected.remove("refs/heads/b7");
        assertThat(destinationRefs()).isEqualTo(expected);
    }

    @Test
    void aForcePushWhoseArchiveOneDevRefusesLeavesTheBranchWhereItWas() {
        RevCommit old = source.commit("main", "a.txt", "a");
        GitMirror vault = mirror(MirrorMode.VAULT);
        sync(vault);
        onedev.protect(project.id(), ref -> ref.startsWith(ARCHIVED_BRANCHES), "Branch creation is not allowed");

        source.amend("main", "a.txt", "rewritten");
        PushOutcome outcome = sync(vault);

        assertThat(outcome.archived()).isEmpty();
        assertThat(outcome.rejected()).singleElement().satisfies(r -> {
            assertThat(r.ref()).isEqualTo("refs/heads/main");
            assertThat(r.reason()).contains("refused");
        });
        assertThat(destinationRefs()).containsEntry("refs/heads/main", old.getId());
    }

    @Test
    void refFiltersLeaveExcludedBranchesAndTagsOut() {
        RevCommit base = source.commit("main", "a.txt", "a");
        source.commit("wip/try", "b.txt", "b");
        source.commit("release/1", "c.txt", "c");
        source.lightweightTag("v1", base);
        source.lightweightTag("nightly-1", base);
        HistoryProperties filters = new HistoryProperties(MirrorMode.VAULT, List.of(), List.of("wip/**"),
                List.of("v*"), List.of());

        sync(mirror(filters));

        assertThat(destinationRefs().keySet()).containsExactlyInAnyOrder("refs/heads/main", "refs/heads/release/1",
                "refs/tags/v1");
    }

    private PushOutcome sync(GitMirror mirror) {
        try (MirrorSession session = mirror.open("octo/vault")) {
            session.fetch();
            return session.push(PushTarget.http(java.net.URI.create(onedev.baseUri() + "/vault.git"), "bot", TOKEN),
                    "main");
        }
    }

    private GitMirror mirror(MirrorMode mode) {
        return mirror(HistoryProperties.all(mode));
    }

    private GitMirror mirror(HistoryProperties history) {
        return new GitMirror(new GithubProperties(github.baseUri(), null),
                new MirrorProperties(dir.resolve("cache-" + caches++), DataSize.ofMegabytes(100), true,
                        Duration.ofSeconds(30)), history);
    }

    private Path repository() {
        return onedev.repositoryDirectory(project.id());
    }

    private Map<String, ObjectId> destinationRefs() {
        return SourceRepo.refsOf(repository());
    }
}
