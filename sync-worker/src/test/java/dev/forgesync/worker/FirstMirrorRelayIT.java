package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushGuard;
import dev.forgesync.worker.mirror.PushOutcome;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.mirror.RelayDestination;

/**
 * A first mirror relayed (FirstMirrorRelay): the source's pack goes into the cache and on to the empty OneDev
 * repository in one pass, and whatever the relay cannot do is left to the push that follows, never lost.
 */
class FirstMirrorRelayIT {

    private static final String TOKEN = "od-token-123";

    @TempDir
    Path dir;

    private GitHttpServer github;
    private OneDevStandIn onedev;
    private SourceRepo source;
    /** An empty OneDev project, where the mirror goes. */
    private OneDevStandIn.Project project;
    private PushTarget target;

    @BeforeEach
    void servers() {
        github = GitHttpServer.builder(dir.resolve("github")).start();
        onedev = OneDevStandIn.start(dir.resolve("onedev"), TOKEN);
        source = shape();
        project = onedev.createProject("shape", null);
        target = PushTarget.http(URI.create(onedev.baseUri() + "/" + project.path() + ".git"), "bot", TOKEN);
    }

    @AfterEach
    void stop() {
        source.close();
        onedev.close();
        github.close();
    }

    @Test
    void aFirstMirrorReachesOneDevWhileItIsFetchedInOnePushWithTheDefaultBranchLast() {
        AtomicInteger prepared = new AtomicInteger();

        try (MirrorSession session = mirror(github.baseUri()).open("octo/shape")) {
            FetchOutcome fetched = session.fetch(relayTo(target, prepared, PushGuard.NONE));
            assertThat(fetched.branches()).isEqualTo(3);
            assertThat(fetched.tags()).isEqualTo(2);
            assertThat(fetched.defaultBranch()).isEqualTo("main");
            assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id())))
                    .as("on OneDev before the push step").isEqualTo(source.refs());
            onedev.clearRequests();

            PushOutcome pushed = session.push(target, "main");
            assertThat(pushed.refsUpdated()).isEqualTo(5);
            assertThat(pushed.bytesPushed()).isPositive();
            assertThat(onedev.requests()).as("every ref landed: the push step has nothing to ask").isEmpty();
        }

        assertThat(prepared).hasValue(1);
        assertThat(onedev.pushedRefs()).singleElement().satisfies(refs -> {
            assertThat(refs).containsExactlyInAnyOrder("refs/heads/main", "refs/heads/dev", "refs/heads/alpha",
                    "refs/tags/v1", "refs/tags/v0");
            assertThat(refs).last().isEqualTo("refs/heads/main");
        });
        assertThat(onedev.defaultBranch(project.id())).as("HEAD from the push alone").contains("main");
        assertThat(github.requests()).as("ls-refs, then the fetch: no GET, no second pack")
                .extracting(GitHttpServer.Request::method).containsExactly("POST", "POST");
        assertThat(SourceRepo.refsOf(dir.resolve("cache/octo/shape.git"))).isEqualTo(source.refs());
    }

    @Test
    void aRefOneDevRefusesFailsTheRelayAndThePushStepLandsTheOthersAndNamesIt() {
        onedev.protect(project.id(), ref -> ref.equals("refs/heads/alpha"), "alpha is protected");

        PushOutcome pushed;
        try (MirrorSession session = mirror(github.baseUri()).open("octo/shape")) {
            session.fetch(relayTo(target, new AtomicInteger(), PushGuard.NONE));
            assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id())))
                    .as("a hook's refusal refuses the whole relayed push").isEmpty();
            pushed = session.push(target, "main");
        }

        assertThat(pushed.rejected()).singleElement().satisfies(r -> {
            assertThat(r.ref()).isEqualTo("refs/heads/alpha");
            assertThat(r.reason()).contains("alpha is protected");
        });
        Map<String, ObjectId> expected = new java.util.HashMap<>(source.refs());
        expected.remove("refs/heads/alpha");
        assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEqualTo(expected);
        assertThat(SourceRepo.refsOf(dir.resolve("cache/octo/shape.git"))).isEqualTo(source.refs());
    }

    @Test
    void aDestinationThatHasRefsIsNotRelayedToAndGetsTheUsualPush() {
        GitMirror other = new GitMirror(new GithubProperties(github.baseUri(), null),
                new MirrorProperties(dir.resolve("other-cache"), DataSize.ofMegabytes(100), false,
                        Duration.ofSeconds(30)));
        try (MirrorSession session = other.open("octo/shape")) {
            session.fetch();
            session.push(target, "main");
        }
        source.commit("main", "a.txt", "a3");
        onedev.clearRequests();

        try (MirrorSession session = mirror(github.baseUri()).open("octo/shape")) {
            session.fetch(relayTo(target, new AtomicInteger(), PushGuard.NONE));
            assertThat(onedev.requests()).as("the advertisement only").singleElement()
                    .satisfies(r -> assertThat(r.method()).isEqualTo("GET"));
            assertThat(session.push(target, "main").refsUpdated()).isEqualTo(1);
        }
        assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEqualTo(source.refs());
    }

    @Test
    void aSourcePackCutShortCreatesNothingOnOneDevAndTheFetchThatFollowsCompletesTheMirror() {
        source.commit("main", "big.bin", SourceRepo.randomBytes(256 * 1024, 7));
        github.cutNextUploadPackAfter(64 * 1024);

        try (MirrorSession session = mirror(github.baseUri()).open("octo/shape")) {
            session.fetch(relayTo(target, new AtomicInteger(), PushGuard.NONE));
            assertThat(onedev.pushedRefs()).as("the cut pack never reached receive-pack's hook").isEmpty();
            assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEmpty();
            assertThat(session.push(target, "main").refsUpdated()).isEqualTo(5);
        }
        assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEqualTo(source.refs());
        assertThat(SourceRepo.refsOf(dir.resolve("cache/octo/shape.git"))).isEqualTo(source.refs());
    }

    @Test
    void aClaimLostWhileThePackGoesCreatesNothingOnOneDevAndThePushStepStops() {
        source.commit("main", "big.bin", SourceRepo.randomBytes(512 * 1024, 11));
        PushGuard lost = new PushGuard() {
            @Override
            public void check(String before) {
                if (!before.equals("pushing refs")) {
                    throw new IllegalStateException("claim lost " + before);
                }
            }

            @Override
            public boolean cancelled() {
                return true;
            }
        };

        try (MirrorSession session = mirror(github.baseUri()).open("octo/shape")) {
            session.fetch(relayTo(target, new AtomicInteger(), lost));
            assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEmpty();
            assertThat(SourceRepo.refsOf(dir.resolve("cache/octo/shape.git"))).as("the cache still fills")
                    .isEqualTo(source.refs());
        }
        assertThat(onedev.pushedRefs()).isEmpty();
    }

    @Test
    void aSourceThatSpeaksOnlyProtocolV0IsFetchedAndPushedAsBeforeAndTheDestinationIsPreparedByThePushStep() {
        github.protocolV2(false);
        AtomicInteger prepared = new AtomicInteger();

        try (MirrorSession session = mirror(github.baseUri()).open("octo/shape")) {
            session.fetch(relayTo(target, prepared, PushGuard.NONE));
            assertThat(onedev.requests()).isEmpty();
            session.push(target, "main");
        }
        assertThat(prepared).hasValue(0);
        assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEqualTo(source.refs());
    }

    @Test
    void aSourceThatIsMissingPreparesNoDestination() {
        AtomicInteger prepared = new AtomicInteger();
        try (MirrorSession session = mirror(github.baseUri()).open("octo/missing")) {
            assertThatThrownBy(() -> session.fetch(relayTo(PushTarget.http(URI.create("http://127.0.0.1:1/x.git"),
                    "bot", TOKEN), prepared, PushGuard.NONE)))
                    .hasFieldOrPropertyWithValue("code", "source_gone");
        }
        assertThat(prepared).hasValue(0);
    }

    /** main (default, two commits), dev, alpha; an annotated tag v1 and a lightweight v0 on main's first commit. */
    private SourceRepo shape() {
        SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape");
        var first = source.commit("main", "a.txt", "a");
        source.commit("dev", "b.txt", "b");
        source.commit("alpha", "e.txt", "e");
        source.commit("main", "a.txt", "a2"); // HEAD ends on main
        source.annotatedTag("v1", first);
        source.lightweightTag("v0", first);
        return source;
    }

    /** A destination that is {@code target}, counting how often it was prepared. */
    static RelayDestination relayTo(PushTarget target, AtomicInteger prepared, PushGuard guard) {
        return new RelayDestination() {
            @Override
            public Optional<PushTarget> prepare() {
                prepared.incrementAndGet();
                return Optional.of(target);
            }

            @Override
            public PushGuard guard() {
                return guard;
            }
        };
    }

    private GitMirror mirror(URI githubBase) {
        return new GitMirror(new GithubProperties(githubBase, null),
                new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));
    }
}
