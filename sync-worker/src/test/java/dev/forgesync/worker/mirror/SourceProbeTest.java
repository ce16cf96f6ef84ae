package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe's wire format: the ls-refs request gitprotocol-v2 describes, and what counts as its answer. */
class SourceProbeTest {

    @TempDir
    Path dir;

    private static final String A = "1111111111111111111111111111111111111111";
    private static final String B = "2222222222222222222222222222222222222222";

    @Test
    void asksForBranchesTagsAndHeadWithItsSymref() throws IOException {
        assertThat(new String(SourceProbe.request(), StandardCharsets.UTF_8)).isEqualTo(
                "0014command=ls-refs\n" + "0001" + "000csymrefs\n"
                        + "001bref-prefix refs/heads/\n" + "001aref-prefix refs/tags/\n" + "0014ref-prefix HEAD\n"
                        + "0000");
    }

    @Test
    void readsBranchesTagsAndHeadsTarget() throws IOException {
        SourceProbe.Listing listing = parse(answer(A + " HEAD symref-target:refs/heads/main\n",
                A + " refs/heads/main\n", B + " refs/tags/v1\n", B + " refs/pull/1/head\n") + "0000");

        assertThat(listing.head()).isEqualTo("refs/heads/main");
        assertThat(listing.refs()).isEqualTo(Map.of("refs/heads/main", ObjectId.fromString(A),
                "refs/tags/v1", ObjectId.fromString(B)));
    }

    @Test
    void anEmptyListIsAnAnswerWithoutRefs() throws IOException {
        SourceProbe.Listing listing = parse("0000");

        assertThat(listing.refs()).isEmpty();
        assertThat(listing.head()).isNull();
    }

    @Test
    void anythingButAnLsRefsListIsNoAnswer() {
        for (String body : new String[] {
                answer("ERR upload-pack: not our ref\n"),                // an error line
                answer("NAK\n") + "0000",                                // a v0 negotiation
                answer(A + " refs/heads/main\n"),                        // no flush
                answer(A + " refs/heads/main\n") + "0000" + "0008NAK\n", // more after the flush
                "<html>not found</html>",                                // not pkt-lines at all
                answer("version 2\n", "ls-refs\n") + "0000"}) {          // a capability advertisement
            assertThatThrownBy(() -> parse(body)).as(body).isInstanceOf(IOException.class);
        }
    }

    @Test
    void basicAuthorizationIsTheUserAndTokenAsTheTransportSendsThem() {
        assertThat(SourceProbe.basic("x-access-token", "ghp_1".toCharArray()))
                .isEqualTo("Basic eC1hY2Nlc3MtdG9rZW46Z2hwXzE=");
    }

    @Test
    void readsAGzippedAnswerAndSendsTheTokenOnlyInAuthorization() throws Exception {
        String body = answer(A + " refs/heads/main\n") + "0000";
        try (Stub stub = Stub.answering(200, "application/x-git-upload-pack-result", gzip(body), "gzip")) {
            FileBasedConfig config = config();

            SourceProbe.Listing listing = probe(stub).list(SourceProbe.basic("x-access-token", "ghp_1".toCharArray()),
                    config).orElseThrow();

            assertThat(listing.refs()).containsOnlyKeys("refs/heads/main");
            assertThat(stub.seen).singleElement().satisfies(r -> {
                assertThat(r.get("method")).isEqualTo("POST");
                assertThat(r.get("uri")).isEqualTo("/octo/repo.git/git-upload-pack");
                assertThat(r.get("git-protocol")).isEqualTo("version=2");
                assertThat(r.get("content-type")).isEqualTo("application/x-git-upload-pack-request");
                assertThat(r.get("authorization")).isEqualTo("Basic eC1hY2Nlc3MtdG9rZW46Z2hwXzE=");
                r.forEach((k, v) -> {
                    if (!k.equals("authorization")) {
                        assertThat(v).as(k).doesNotContain("ghp_1").doesNotContain("eC1hY2Nlc3MtdG9rZW46Z2hwXzE");
                    }
                });
            });
            assertThat(SourceProbe.enabled(config)).isTrue();
        }
    }

    @Test
    void aRefusalIsRememberedAndAnythingElseOnlyFallsBack() throws Exception {
        byte[] html = "<html>no</html>".getBytes(StandardCharsets.UTF_8);
        Object[][] cases = {
                {400, "text/plain", true}, {405, "text/plain", true}, {415, "text/plain", true},
                {501, "text/plain", true}, {200, "text/html", true}, // not this request: never again
                {302, "text/plain", false}, {401, "text/plain", false}, {403, "text/plain", false},
                {404, "text/plain", false}, {429, "text/plain", false}, {500, "text/plain", false},
                {503, "text/plain", false}}; // not now, not you, not here: the normal fetch says which
        for (Object[] c : cases) {
            try (Stub stub = Stub.answering((int) c[0], (String) c[1], html, null)) {
                FileBasedConfig config = config();

                assertThat(probe(stub).list(null, config)).as("status %s", c[0]).isEmpty();

                assertThat(SourceProbe.enabled(reloaded())).as("probed again after %s", c[0]).isEqualTo(!(boolean) c[2]);
                assertThat(stub.seen).as("status %s", c[0]).hasSize(1); // a 302 is not followed
            }
        }
    }

    @Test
    void anUnreachableSourceOnlyFallsBack() throws Exception {
        FileBasedConfig config = config();
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        SourceProbe probe = new SourceProbe(new URIish("http://127.0.0.1:" + port + "/octo/repo.git"),
                new TransferMeter(), 2_000);

        assertThat(probe.list(null, config)).isEmpty();
        assertThat(SourceProbe.enabled(reloaded())).isTrue();
    }

    private SourceProbe probe(Stub stub) throws Exception {
        return new SourceProbe(new URIish(stub.base() + "/octo/repo.git"), new TransferMeter(), 5_000);
    }

    private FileBasedConfig config() throws Exception {
        java.nio.file.Files.deleteIfExists(dir.resolve("config"));
        return reloaded();
    }

    private FileBasedConfig reloaded() throws Exception {
        FileBasedConfig config = new FileBasedConfig(dir.resolve("config").toFile(), FS.DETECTED);
        config.load();
        return config;
    }

    private static byte[] gzip(String body) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** A JDK HTTP server on 127.0.0.1 answering every request the same, recording method, URI and headers. */
    private static final class Stub implements AutoCloseable {
        final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        private Stub(HttpServer server) {
            this.server = server;
        }

        static Stub answering(int status, String type, byte[] body, String encoding) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            Stub stub = new Stub(server);
            server.createContext("/", exchange -> {
                try (exchange) {
                    Map<String, String> request = new TreeMap<>();
                    request.put("method", exchange.getRequestMethod());
                    request.put("uri", exchange.getRequestURI().toString());
                    exchange.getRequestHeaders().forEach((k, v) -> request.put(k.toLowerCase(Locale.ROOT),
                            String.join(", ", v)));
                    exchange.getRequestBody().readAllBytes();
                    stub.seen.add(request);
                    exchange.getResponseHeaders().add("Content-Type", type);
                    if (status == 302) {
                        exchange.getResponseHeaders().add("Location", "http://127.0.0.2:1/elsewhere");
                    }
                    if (encoding != null) {
                        exchange.getResponseHeaders().add("Content-Encoding", encoding);
                    }
                    exchange.sendResponseHeaders(status, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.start();
            return stub;
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static SourceProbe.Listing parse(String body) throws IOException {
        return SourceProbe.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String answer(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(String.format("%04x", line.length() + 4)).append(line);
        }
        return b.toString();
    }
}
