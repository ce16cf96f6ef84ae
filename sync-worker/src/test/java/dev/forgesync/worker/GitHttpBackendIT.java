package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushGuard;
import dev.forgesync.worker.mirror.PushTarget;

/**
 * The ls-refs probe and the first mirror's relay against real git's server ({@code git http-backend} as CGI behind a
 * JDK HTTP server), not only JGit's servlet: the requests are what git serves statelessly, a no-op is that one POST,
 * and git's receive-pack takes the relayed pack. Skipped without git.
 */
class GitHttpBackendIT {

    @TempDir
    Path dir;

    /** One request the CGI bridge served: method, path, and the {@code Git-Protocol} header (or null). */
    record Seen(String method, String path, String gitProtocol) {
    }

    @Test
    void gitsHttpBackendAnswersTheProbeAndANoOpIsOnePost() throws Exception {
        Assumptions.assumeTrue(gitAvailable(), "git is not on the PATH");
        List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server = cgi(dir.resolve("github"), seen);
        try (SourceRepo source = SourceRepo.create(dir.resolve("github"), dir.resolve("work"), "octo/real")) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("dev", "b.txt", "b");
            source.annotatedTag("v1", first);
            source.pullRequestRefs(500, first);
            GitMirror mirror = new GitMirror(
                    new GithubProperties(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null),
                    new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));
            fetch(mirror);
            seen.clear();

            FetchOutcome noop = fetch(mirror);

            assertThat(seen).containsExactly(new Seen("POST", "/octo/real.git/git-upload-pack", "version=2"));
            assertThat(noop.refsChanged()).isZero();
            assertThat(noop.branches()).isEqualTo(2);
            assertThat(noop.tags()).isEqualTo(1);
            assertThat(noop.defaultBranch()).isEqualTo("dev");

            source.commit("main", "a.txt", "a2");
            seen.clear();
            assertThat(fetch(mirror).refsChanged()).isEqualTo(1);
            assertThat(seen.get(0).method()).isEqualTo("POST");
            assertThat(SourceRepo.refsOf(dir.resolve("cache/octo/real.git"))).isEqualTo(source.refs());
        } finally {
            server.stop(0);
        }
    }

    /**
     * A first mirror relayed from git's upload-pack (protocol v2 fetch) straight into git's receive-pack, which runs
     * {@code index-pack --strict}-like checks and a connectivity check before it creates a ref: the pack the relay
     * forwards is one git takes whole, and the push step then has nothing left to send.
     */
    @Test
    void aFirstMirrorIsRelayedFromGitsUploadPackIntoGitsReceivePack() throws Exception {
        Assumptions.assumeTrue(gitAvailable(), "git is not on the PATH");
        List<Seen> fromSource = new CopyOnWriteArrayList<>();
        List<Seen> toDestination = new CopyOnWriteArrayList<>();
        HttpServer github = cgi(dir.resolve("github"), fromSource);
        HttpServer destination = cgi(dir.resolve("dest"), toDestination);
        Path destinationDir = dir.resolve("dest/octo/real.git");
        try (SourceRepo source = SourceRepo.create(dir.resolve("github"), dir.resolve("work"), "octo/real");
             Git bare = Git.init().setBare(true).setGitDir(destinationDir.toFile()).call()) {
            var first = source.commit("main", "a.txt", "a");
            source.commit("dev", "blob.bin", SourceRepo.randomBytes(200 * 1024, 3));
            source.commit("main", "a.txt", "a2");
            source.annotatedTag("v1", first);
            source.lightweightTag("v0", first);
            source.pullRequestRefs(50, first);
            bare.getRepository().getConfig().setBoolean("http", null, "receivepack", true);
            bare.getRepository().getConfig().save();
            PushTarget target = PushTarget.http(
                    URI.create("http://127.0.0.1:" + destination.getAddress().getPort() + "/octo/real.git"), null, null);
            GitMirror mirror = new GitMirror(
                    new GithubProperties(URI.create("http://127.0.0.1:" + github.getAddress().getPort()), null),
                    new MirrorProperties(dir.resolve("cache"), DataSize.ofMegabytes(100), false, Duration.ofSeconds(30)));

            try (MirrorSession session = mirror.open("octo/real")) {
                session.fetch(FirstMirrorRelayIT.relayTo(target, new AtomicInteger(), PushGuard.NONE));
                assertThat(SourceRepo.refsOf(destinationDir)).as("landed by the relay").isEqualTo(source.refs());
                toDestination.clear();
                assertThat(session.push(target, "main").refsUpdated()).isEqualTo(4);
            }

            assertThat(toDestination).as("every ref landed: the push step has nothing to ask").isEmpty();
            assertThat(fromSource).extracting(Seen::method).containsExactly("POST", "POST");
            Process fsck = new ProcessBuilder("git", "--git-dir", destinationDir.toString(), "fsck", "--strict")
                    .redirectErrorStream(true).start();
            String report = new String(fsck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(fsck.waitFor(60, TimeUnit.SECONDS) && fsck.exitValue() == 0).as(report).isTrue();
        } finally {
            github.stop(0);
            destination.stop(0);
        }
    }

    private static FetchOutcome fetch(GitMirror mirror) {
        try (MirrorSession session = mirror.open("octo/real")) {
            return session.fetch();
        }
    }

    private static boolean gitAvailable() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** {@code git http-backend} behind a JDK HTTP server on 127.0.0.1, as CGI (RFC 3875), every repository exported. */
    private static HttpServer cgi(Path projectRoot, List<Seen> seen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Git-Protocol")));
                serve(exchange, projectRoot);
            }
        });
        server.start();
        return server;
    }

    private static void serve(HttpExchange exchange, Path projectRoot) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        ProcessBuilder pb = new ProcessBuilder("git", "http-backend").redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", projectRoot.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        env.put("CONTENT_LENGTH", String.valueOf(body.length));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        env.put("CONTENT_TYPE", type == null ? "" : type);
        String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
        if (protocol != null) {
            env.put("HTTP_GIT_PROTOCOL", protocol);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null) {
            env.put("HTTP_CONTENT_ENCODING", encoding);
        }
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(body);
        }
        byte[] out = p.getInputStream().readAllBytes();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply(exchange, out);
    }

    /** The CGI answer: header lines ({@code Status: 404 Not Found} among them), a blank line, the body. */
    private static void reply(HttpExchange exchange, byte[] cgiOutput) throws IOException {
        int split = indexOf(cgiOutput, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int skip = 4;
        if (split < 0) {
            split = indexOf(cgiOutput, "\n\n".getBytes(StandardCharsets.US_ASCII));
            skip = 2;
        }
        if (split < 0) {
            exchange.sendResponseHeaders(502, -1);
            return;
        }
        String head = new String(cgiOutput, 0, Math.max(split, 0), StandardCharsets.US_ASCII);
        int status = 200;
        for (String line : head.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(cgiOutput, split + skip, cgiOutput.length - split - skip);
        exchange.sendResponseHeaders(status, rest.size() == 0 ? -1 : rest.size());
        try (OutputStream out = exchange.getResponseBody()) {
            rest.writeTo(out);
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
