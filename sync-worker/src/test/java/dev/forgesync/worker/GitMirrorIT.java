package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import dev.forgesync.schema.SyncStatus;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.DestinationProperties;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.config.OneDevProperties;
import dev.forgesync.worker.destination.Destinations;
import dev.forgesync.worker.destination.PreparedDestination;
import dev.forgesync.worker.failure.SyncException;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushTarget;

/** The mirror without Kafka: the local-directory destination, and the remotes it refuses. */
class GitMirrorIT {

    @TempDir
    Path dir;

    @Test
    void withoutOneDevMirrorsIntoALocalFolderOfBareRepositories() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/local")) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("dev", "b.txt", "b");
            source.annotatedTag("v1", first);
            Destinations destinations = new Destinations(noOneDev(), new DestinationProperties(dir.resolve("mirrors"), null));
            PreparedDestination prepared = destinations.primary().prepare(row("octo/local"));

            try (MirrorSession session = mirror(github.baseUri()).open("octo/local")) {
                session.fetch();
                session.push(prepared.target(), "main");
            }

            assertThat(destinations.primary().kind()).isEqualTo("local");
            assertThat(SourceRepo.refsOf(dir.resolve("mirrors/octo/local.git"))).isEqualTo(source.refs());
        }
    }

    @Test
    void aBackupFolderIsADestinationBesideOneDev() {
        OneDevProperties onedev = new OneDevProperties(URI.create("http://127.0.0.1:1"), "bot", "t", "github/{owner}/{repo}",
                "github-private/{owner}/{repo}", Duration.ofSeconds(1), Duration.ofSeconds(1));
        Destinations destinations = new Destinations(onedev, new DestinationProperties(dir.resolve("mirrors"), dir.resolve("backup")));

        assertThat(destinations.primary().kind()).isEqualTo("onedev");
        assertThat(destinations.backup()).hasValueSatisfying(b -> {
            assertThat(b.kind()).isEqualTo("local");
            assertThat(b.prepare(row("Octo/Repo")).target().localDirectory()).isEqualTo(dir.resolve("backup/octo/repo.git").toAbsolutePath());
        });
    }

    @Test
    void refusesToFollowARedirectToAnotherHost() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             GitHttpServer elsewhere = GitHttpServer.builder(dir.resolve("elsewhere")).start();
             SourceRepo source = SourceRepo.create(elsewhere.root(), dir.resolve("work"), "octo/moved")) {
            source.commit("main", "a.txt", "a");
            github.redirectTo(elsewhere.baseUri());

            try (MirrorSession session = mirror(github.baseUri()).open("octo/moved")) {
                assertThatThrownBy(session::fetch).isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("disallowed_remote");
                    assertThat(e.retryable()).isFalse();
                });
            }
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void refusesFileUrlsAndNamesThatAreNotOwnerSlashRepo() {
        assertThatThrownBy(() -> mirror(URI.create("file:///srv/git")).open("octo/repo"))
                .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.code()).isEqualTo("disallowed_remote"));
        assertThatThrownBy(() -> mirror(URI.create("https://github.com")).open("../../etc/passwd"))
                .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.code()).isEqualTo("disallowed_remote"));
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 410, 451})
    void aSourceThatIsGoneOrBlockedIsSourceGoneAndNotRetried(int status) {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/blocked")) {
            source.commit("main", "a.txt", "a");
            github.failWith(status);

            try (MirrorSession session = mirror(github.baseUri()).open("octo/blocked")) {
                assertThatThrownBy(session::fetch).isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("source_gone");
                    assertThat(e.retryable()).isFalse();
                });
            }
        }
    }

    @Test
    void fetchesAPrivateSourceOnlyWithTheGitHubToken() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github"))
                .credentials("x-access-token", "ghp_private_token_123").anonymousRead(false).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/private")) {
            source.commit("main", "a.txt", "a");
            GitMirror anonymous = mirror(github.baseUri());
            try (MirrorSession session = anonymous.open("octo/private")) {
                assertThatThrownBy(session::fetch).isInstanceOfSatisfying(SyncException.class,
                        e -> assertThat(e.code()).isEqualTo("source_gone"));
            }
            GitMirror withToken = new GitMirror(new GithubProperties(github.baseUri(), "ghp_private_token_123"),
                    new MirrorProperties(dir.resolve("cache2"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));
            try (MirrorSession session = withToken.open("octo/private")) {
                assertThat(session.fetch().branches()).isEqualTo(1);
            }
            assertThat(github.requests()).allSatisfy(r -> assertThat(r.path()).doesNotContain("ghp_private_token_123"));
        }
    }

    @Test
    void aRemoteNamedInThePreparedCacheConfigNeverReceivesTheFetch() throws Exception {
        String token = "ghp_cache_canary_token_42";
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             GitHttpServer thief = GitHttpServer.builder(dir.resolve("thief"))
                     .credentials("x-access-token", token).anonymousRead(false).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/target");
             SourceRepo decoy = SourceRepo.create(thief.root(), dir.resolve("decoy"), "octo/target")) {
            source.commit("main", "a.txt", "the source");
            decoy.commit("evil", "b.txt", "the thief's");
            Path cache = dir.resolve("cache/octo/target.git");
            try (Repository prepared = FileRepositoryBuilder.create(cache.toFile())) {
                prepared.create(true);
                StoredConfig config = prepared.getConfig();
                config.setString("remote", github.cloneUri("octo/target").toString(), "url",
                        thief.cloneUri("octo/target").toString());
                config.save();
            }
            GitMirror mirror = new GitMirror(new GithubProperties(github.baseUri(), token),
                    new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));

            try (MirrorSession session = mirror.open("octo/target")) {
                session.fetch();
            }

            assertThat(thief.requests()).isEmpty();
            assertThat(SourceRepo.refsOf(cache)).isEqualTo(source.refs());
        }
    }

    @Test
    void keepsTheCacheWithinItsLimitByEvictingTheLeastRecentlyUsed() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo a = SourceRepo.create(github.root(), dir.resolve("work-a"), "octo/a");
             SourceRepo b = SourceRepo.create(github.root(), dir.resolve("work-b"), "octo/b")) {
            a.commit("main", "a.bin", SourceRepo.randomBytes(50_000, 1));
            b.commit("main", "b.bin", SourceRepo.randomBytes(50_000, 2));
            GitMirror small = new GitMirror(new GithubProperties(github.baseUri(), null),
                    new MirrorProperties(dir.resolve("cache"), DataSize.ofKilobytes(80), false, Duration.ofSeconds(30)));
            try (MirrorSession session = small.open("octo/a")) {
                session.fetch();
            }
            assertThat(dir.resolve("cache/octo/a.git")).exists();
            try (MirrorSession session = small.open("octo/b")) {
                session.fetch();
            }
            assertThat(dir.resolve("cache/octo/a.git")).doesNotExist();
            assertThat(dir.resolve("cache/octo/b.git")).exists();
        }
    }

    /**
     * A first mirror is one push, as git's: every branch and tag in one pack, the default branch the last branch
     * update, which OneDev makes HEAD of a repository without one (its post-receive callback handles the updates from
     * the last; the stand-in does the same). A later sync is one push of what changed.
     */
    @Test
    void aFirstMirrorIsOnePushWithTheDefaultBranchLastSoOneDevMakesItHeadAndALaterSyncIsOnePush() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             OneDevStandIn onedev = OneDevStandIn.start(dir.resolve("onedev"), "od-token-123");
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("main", "a.txt", "a2");
            source.commit("dev", "b.txt", "b");
            source.commit("fix", "c.txt", "c");
            source.commit("zeta", "d.txt", "d");
            source.commit("alpha", "e.txt", "e");
            source.annotatedTag("v1", first);
            source.lightweightTag("v0", first);
            OneDevStandIn.Project project = onedev.createProject("shape", null);
            PushTarget target = PushTarget.http(URI.create(onedev.baseUri() + "/" + project.path() + ".git"), "bot",
                    "od-token-123");
            GitMirror mirror = mirror(github.baseUri());

            syncOnce(mirror, target);
            assertThat(onedev.pushedRefs()).hasSize(1);
            assertThat(onedev.pushedRefs().get(0)).containsExactlyInAnyOrder("refs/heads/main", "refs/heads/dev",
                    "refs/heads/fix", "refs/heads/zeta", "refs/heads/alpha", "refs/tags/v1", "refs/tags/v0");
            assertThat(onedev.pushedRefs().get(0)).filteredOn(ref -> ref.startsWith("refs/heads/")).last()
                    .isEqualTo("refs/heads/main");
            assertThat(onedev.defaultBranch(project.id())).as("HEAD from the push alone").contains("main");

            var next = source.commit("main", "a.txt", "a3");
            source.commit("dev", "b.txt", "b2");
            source.annotatedTag("v2", next);
            syncOnce(mirror, target);
            assertThat(onedev.pushedRefs()).hasSize(2);
            assertThat(onedev.pushedRefs().get(1))
                    .containsExactlyInAnyOrder("refs/heads/main", "refs/heads/dev", "refs/tags/v2");
            assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEqualTo(source.refs());
        }
    }

    @Test
    void aNoOpSyncIsOneRequestToTheSourceAndOneToOneDevAndSendsNoPack() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).credentials("x-access-token",
                "ghp_token_123").start();
             OneDevStandIn onedev = OneDevStandIn.start(dir.resolve("onedev"), "od-token-123");
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("dev", "b.txt", "b");
            source.annotatedTag("v1", first);
            // As many pull requests as spring-petclinic's (2,136; gson has 1,535): the one request lists only
            // branches and tags.
            source.pullRequestRefs(2_200, first);
            OneDevStandIn.Project project = onedev.createProject("shape", null);
            PushTarget target = PushTarget.http(URI.create(onedev.baseUri() + "/" + project.path() + ".git"), "bot",
                    "od-token-123");
            GitMirror mirror = new GitMirror(new GithubProperties(github.baseUri(), "ghp_token_123"),
                    new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));
            syncOnce(mirror, target);
            github.clearRequests();
            onedev.clearRequests();

            syncOnce(mirror, target);

            assertThat(github.requests()).singleElement().satisfies(r -> {
                assertThat(r.isUploadPack()).isTrue();
                assertThat(r.path()).endsWith("/octo/shape.git/git-upload-pack");
                assertThat(r.query()).isNull();
                assertThat(r.header("Git-Protocol")).isEqualTo("version=2");
                assertThat(r.user()).isEqualTo("x-access-token");
                r.headers().forEach((name, value) -> {
                    if (!name.equals("authorization")) {
                        assertThat(value).as(name).doesNotContain("ghp_token_123");
                    }
                });
            });
            assertThat(onedev.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.path()).endsWith("/" + project.path() + ".git/info/refs");
                assertThat(r.query()).isEqualTo("service=git-receive-pack");
                assertThat(r.user()).isNotNull();
            });
            assertThat(SourceRepo.refsOf(onedev.repositoryDirectory(project.id()))).isEqualTo(source.refs());
        }
    }

    @Test
    void aSourceWithAHugeAdvertisementIsOneRequestFromTheSecondSyncOnAndAChangeStillFetches() throws Exception {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            var first = source.commit("main", "a.txt", "a");
            source.pullRequestRefs(9_000, first);
            Path cacheConfig = dir.resolve("cache/octo/shape.git/config");
            GitMirror mirror = mirror(github.baseUri());
            PushTarget target = PushTarget.local(dir.resolve("mirrors/octo/shape.git"));

            syncOnce(mirror, target);
            assertThat(java.nio.file.Files.readString(cacheConfig)).containsPattern("\\[protocol\\]\\s+version = 2");
            github.clearRequests();
            syncOnce(mirror, target);
            assertThat(github.requests()).singleElement().satisfies(r -> assertThat(r.isUploadPack()).isTrue());

            source.commit("main", "a.txt", "a2");
            github.clearRequests();
            syncOnce(mirror, target);
            // The probe sees the change, then JGit fetches with v2: capabilities, ls-refs, fetch.
            assertThat(github.requests()).extracting(GitHttpServer.Request::method)
                    .containsExactly("POST", "GET", "POST", "POST");
            assertThat(SourceRepo.refsOf(dir.resolve("mirrors/octo/shape.git"))).isEqualTo(source.refs());
        }
    }

    @Test
    void aBranchOrTagDeletedUpstreamIsADifferenceTheFetchPrunes() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("dev", "b.txt", "b");
            source.lightweightTag("v0", first);
            Path cache = dir.resolve("cache/octo/shape.git");
            GitMirror mirror = mirror(github.baseUri());
            fetchOnce(mirror);

            source.deleteBranch("dev");
            assertThat(fetchOnce(mirror).branches()).isEqualTo(1);
            assertThat(SourceRepo.refsOf(cache)).isEqualTo(source.refs());

            source.deleteTag("v0");
            assertThat(fetchOnce(mirror).tags()).isZero();
            assertThat(SourceRepo.refsOf(cache)).isEqualTo(source.refs());
            assertThat(github.requests()).filteredOn(r -> "GET".equals(r.method())).hasSize(3);
        }
    }

    @Test
    void anUnchangedSourceAnswersTheFetchFromTheProbeAlone() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("dev", "b.txt", "b");
            source.annotatedTag("v1", first);
            GitMirror mirror = mirror(github.baseUri());
            FetchOutcome full = fetchOnce(mirror);
            github.clearRequests();

            FetchOutcome noop = fetchOnce(mirror);

            assertThat(full.defaultBranch()).isEqualTo("dev"); // the source's HEAD follows its last commit
            assertThat(noop).isEqualTo(new FetchOutcome(noop.bytesFetched(), 2, 1, "dev", 0));
            assertThat(noop.bytesFetched()).isPositive();
            assertThat(github.requests()).singleElement().satisfies(r -> assertThat(r.isUploadPack()).isTrue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"400", "v0 only"})
    void aSourceThatRefusesTheProbeIsFetchedAsBeforeAndNotProbedAgain(String refusal) throws Exception {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            source.commit("main", "a.txt", "a");
            GitMirror mirror = mirror(github.baseUri());
            PushTarget target = PushTarget.local(dir.resolve("mirrors/octo/shape.git"));
            syncOnce(mirror, target);
            if (refusal.equals("400")) {
                github.failProtocolV2With(400);
            } else {
                github.protocolV2(false);
            }
            source.commit("main", "a.txt", "a2");
            github.clearRequests();

            syncOnce(mirror, target);
            assertThat(github.requests()).first().satisfies(r -> assertThat(r.header("Git-Protocol")).isNotNull());
            assertThat(SourceRepo.refsOf(dir.resolve("mirrors/octo/shape.git"))).isEqualTo(source.refs());
            assertThat(java.nio.file.Files.readString(dir.resolve("cache/octo/shape.git/config")))
                    .containsPattern("\\[forgesync\\]\\s+noopProbe = false").doesNotContain("[protocol]");

            github.clearRequests();
            syncOnce(mirror, target);
            assertThat(github.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("GET");
                assertThat(r.header("Git-Protocol")).isNull();
            });
        }
    }

    @Test
    void aSourceGoneAtTheProbeIsSourceGoneThroughTheFetchAndStillProbedLater() {
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             SourceRepo source = SourceRepo.create(github.root(), dir.resolve("work"), "octo/shape")) {
            source.commit("main", "a.txt", "a");
            GitMirror mirror = mirror(github.baseUri());
            fetchOnce(mirror);
            github.failWith(404);
            github.clearRequests();

            assertThatThrownBy(() -> fetchOnce(mirror)).isInstanceOfSatisfying(SyncException.class, e -> {
                assertThat(e.code()).isEqualTo("source_gone");
                assertThat(e.retryable()).isFalse();
            });
            assertThat(github.requests()).extracting(GitHttpServer.Request::method).containsExactly("POST", "GET");

            github.failWith(0);
            github.clearRequests();
            fetchOnce(mirror);
            assertThat(github.requests()).singleElement().satisfies(r -> assertThat(r.isUploadPack()).isTrue());
        }
    }

    private static void syncOnce(GitMirror mirror, PushTarget target) {
        try (MirrorSession session = mirror.open("octo/shape")) {
            session.fetch();
            session.push(target, "main");
        }
    }

    private static FetchOutcome fetchOnce(GitMirror mirror) {
        try (MirrorSession session = mirror.open("octo/shape")) {
            return session.fetch();
        }
    }

    private GitMirror mirror(URI githubBase) {
        return new GitMirror(new GithubProperties(githubBase, null),
                new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));
    }

    private static OneDevProperties noOneDev() {
        return new OneDevProperties(null, "forgesync", null, "github/{owner}/{repo}", "github-private/{owner}/{repo}",
                Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private static RepositoryRow row(String fullName) {
        String[] parts = fullName.split("/");
        return new RepositoryRow(1, fullName, parts[0], parts[1], null, SyncStatus.IN_PROGRESS, 0, 3, false, false, null);
    }
}
