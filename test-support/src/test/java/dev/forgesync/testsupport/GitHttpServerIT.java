package dev.forgesync.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHttpServerIT {

    @TempDir
    Path tmp;

    private GitHttpServer server;

    @BeforeEach
    void start() {
        server = GitHttpServer.builder(tmp.resolve("served")).credentials("mirror", "s3cret").start();
        server.createBareRepository("octo/hello");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesAPushWithCredentialsAndAnAnonymousFetch() throws Exception {
        RevCommit commit = pushOneCommit(new UsernamePasswordCredentialsProvider("mirror", "s3cret"));

        Collection<Ref> refs = Git.lsRemoteRepository().setRemote(server.cloneUri("octo/hello").toString()).call();

        assertThat(refs).extracting(Ref::getName).contains("refs/heads/main");
        assertThat(refs).filteredOn(r -> r.getName().equals("refs/heads/main"))
                .extracting(r -> r.getObjectId().name()).containsExactly(commit.name());
        assertThat(server.requests()).anyMatch(GitHttpServer.Request::isReceivePack);
    }

    @Test
    void refusesAnAnonymousPush() {
        assertThatThrownBy(() -> pushOneCommit(null)).isInstanceOf(TransportException.class)
                .hasMessageContaining("Authentication is required");
    }

    @Test
    void refusesWrongCredentials() {
        assertThatThrownBy(() -> pushOneCommit(new UsernamePasswordCredentialsProvider("mirror", "wrong")))
                .isInstanceOf(TransportException.class).hasMessageContaining("not authorized");
    }

    @Test
    void reportsAMissingRepository() {
        assertThatThrownBy(() -> Git.lsRemoteRepository().setRemote(server.cloneUri("octo/missing").toString()).call())
                .isInstanceOf(TransportException.class).hasMessageContaining("not found");
    }

    @Test
    void answersEveryRequestWithTheConfiguredFault() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI infoRefs = URI.create(server.cloneUri("octo/hello") + "/info/refs?service=git-upload-pack");

        server.failWith(503);
        assertThat(http.send(HttpRequest.newBuilder(infoRefs).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(503);

        server.failWith(0);
        server.redirectTo(URI.create("http://127.0.0.2:1"));
        HttpResponse<Void> redirected = http.send(HttpRequest.newBuilder(infoRefs).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(redirected.statusCode()).isEqualTo(302);
        assertThat(redirected.headers().firstValue("Location")).hasValue("http://127.0.0.2:1/octo/hello.git/info/refs?service=git-upload-pack");
    }

    @Test
    void answersAProtocolV2LsRefsPostWithoutAPriorGetAsGitsHttpBackendDoes() throws Exception {
        RevCommit commit = pushOneCommit(new UsernamePasswordCredentialsProvider("mirror", "s3cret"));
        try (Repository served = new FileRepositoryBuilder().setGitDir(tmp.resolve("served/octo/hello.git").toFile())
                .build()) {
            served.updateRef("HEAD").link("refs/heads/main");
        }
        server.clearRequests();

        HttpResponse<String> answer = lsRefs();

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/x-git-upload-pack-result");
        assertThat(answer.body()).contains(commit.name() + " refs/heads/main\n")
                .contains(" HEAD symref-target:refs/heads/main\n").endsWith("0000");
        assertThat(server.requests()).singleElement().satisfies(r -> {
            assertThat(r.isUploadPack()).isTrue();
            assertThat(r.header("git-protocol")).isEqualTo("version=2");
        });
    }

    @Test
    void aServerWithProtocolV2OffReadsAV2RequestAsV0AndAnswersNoRefList() throws Exception {
        pushOneCommit(new UsernamePasswordCredentialsProvider("mirror", "s3cret"));
        server.protocolV2(false);

        HttpResponse<String> answer = lsRefs();

        assertThat(answer.body()).doesNotContain("refs/heads/main");
    }

    @Test
    void refusesV2RequestsWithTheConfiguredStatus() throws Exception {
        pushOneCommit(new UsernamePasswordCredentialsProvider("mirror", "s3cret"));
        server.failProtocolV2With(400);

        assertThat(lsRefs().statusCode()).isEqualTo(400);
        HttpRequest v0 = HttpRequest.newBuilder(URI.create(server.cloneUri("octo/hello")
                + "/info/refs?service=git-upload-pack")).build();
        assertThat(HttpClient.newHttpClient().send(v0, HttpResponse.BodyHandlers.ofString()).body())
                .contains("refs/heads/main");
    }

    /** A protocol v2 {@code ls-refs} POST on its own (gitprotocol-v2: HTTP is stateless, no GET needed first). */
    private HttpResponse<String> lsRefs() throws Exception {
        String body = pkt("command=ls-refs\n") + "0001" + pkt("symrefs\n") + pkt("ref-prefix refs/heads/\n")
                + pkt("ref-prefix HEAD\n") + "0000";
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.cloneUri("octo/hello") + "/git-upload-pack"))
                .header("Git-Protocol", "version=2")
                .header("Content-Type", "application/x-git-upload-pack-request")
                .header("Accept", "application/x-git-upload-pack-result")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String pkt(String line) {
        return String.format("%04x", line.length() + 4) + line;
    }

    private RevCommit pushOneCommit(UsernamePasswordCredentialsProvider credentials) throws Exception {
        Path work = Files.createTempDirectory(tmp, "work");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("README.md"), "hello\n");
            git.add().addFilepattern("README.md").call();
            RevCommit commit = git.commit().setMessage("first").setAuthor("A", "a@example.com").setCommitter("A", "a@example.com").call();
            var push = git.push().setRemote(server.cloneUri("octo/hello").toString()).add("main");
            if (credentials != null) {
                push.setCredentialsProvider(credentials);
            }
            push.call();
            return commit;
        }
    }
}
