package dev.forgesync.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgesync.testsupport.Webhooks;

/**
 * The benchmark client's connection and requests against a scripted server on a local {@link ServerSocket}: the
 * server serves one connection at a time (the client never holds two) and answers each request as the test says.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BenchHttpConnectionTest {

    private static final byte[] BODY = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = Webhooks.sign("s3cret", BODY);

    private ScriptedServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void requestsCarryTheFixedHeadersTheSignedBodyAndAFreshDeliveryId() throws Exception {
        server = new ScriptedServer((request, out) -> answer(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"));
        WebhookRequests requests = requests("run7");
        byte[] buffer = requests.newBuffer();

        try (HttpConnection connection = connection(15_000)) {
            assertThat(connection.exchange(buffer, requests.render(0, buffer))).isEqualTo(202);
            assertThat(connection.exchange(buffer, requests.render(Long.MAX_VALUE, buffer))).isEqualTo(202);
            assertThat(connection.connects()).isEqualTo(1);
        }

        List<Request> seen = server.stop();
        assertThat(seen).hasSize(2);
        Request first = seen.get(0);
        assertThat(first.head()).startsWith("POST /webhooks/github?x=1 HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n", "\r\nContent-Type: application/json\r\n",
                        "\r\nContent-Length: " + BODY.length + "\r\n", "\r\nX-GitHub-Event: ping\r\n",
                        "\r\nX-Hub-Signature-256: " + SIGNATURE + "\r\n", "\r\nX-GitHub-Delivery: run7-0-n0nce\r\n");
        assertThat(first.body()).isEqualTo(BODY);
        assertThat(seen.get(1).head()).contains("\r\nX-GitHub-Delivery: run7-" + Long.MAX_VALUE + "-n0nce\r\n");
        assertThat(seen.get(1).body()).isEqualTo(BODY);
        assertThat(seen).extracting(Request::connection).containsExactly(0, 0);
    }

    @Test
    void keepsAliveUntilTheServerSaysCloseThenReconnects() throws Exception {
        server = new ScriptedServer((request, out) -> switch (request.index()) {
            case 0 -> answer(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}");
            case 1 -> answer(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            case 2 -> answer(out, "HTTP/1.1 413 \r\nContent-Type: application/json\r\nContent-Length: 21\r\n"
                    + "Connection: close\r\n\r\n{\"error\":\"too_large\"}");
            default -> answer(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        });

        List<Integer> statuses = new ArrayList<>();
        try (HttpConnection connection = connection(15_000)) {
            for (int n = 0; n < 5; n++) {
                statuses.add(send(connection, n));
            }
            assertThat(connection.connects()).isEqualTo(3);
            assertThat(connection.failures()).isZero();
        }

        assertThat(statuses).containsExactly(202, 202, 413, 200, 200);
        assertThat(server.stop()).extracting(Request::connection).containsExactly(0, 0, 1, 2, 2);
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsAFailureAndTheNextRequestReconnects() throws Exception {
        server = new ScriptedServer((request, out) -> request.index() == 0
                ? Action.CLOSE
                : answer(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));

        try (HttpConnection connection = connection(15_000)) {
            assertThat(send(connection, 0)).isEqualTo(HttpConnection.FAILED); // fresh connection: not resent
            assertThat(send(connection, 1)).isEqualTo(202);
            assertThat(connection.failures()).isEqualTo(1);
            assertThat(connection.staleRetries()).isZero();
            assertThat(connection.firstFailure()).isInstanceOf(IOException.class);
        }
        assertThat(server.stop()).extracting(Request::connection).containsExactly(0, 1);
    }

    @Test
    void aReusedConnectionTheServerHadClosedIsResentOnceOnANewOne() throws Exception {
        // The server answers, then drops the idle connection without saying so (a keep-alive timeout).
        server = new ScriptedServer((request, out) -> {
            answer(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
            return Action.CLOSE;
        });

        try (HttpConnection connection = connection(15_000)) {
            assertThat(send(connection, 0)).isEqualTo(202);
            assertThat(send(connection, 1)).isEqualTo(202);
            assertThat(connection.staleRetries()).isEqualTo(1);
            assertThat(connection.failures()).isZero();
            assertThat(connection.connects()).isEqualTo(2);
        }
        List<Request> seen = server.stop();
        assertThat(seen).extracting(Request::connection).containsExactly(0, 1);
        assertThat(seen.get(1).head()).contains("X-GitHub-Delivery: run-1-n0nce\r\n");
    }

    @Test
    void aReadTimeoutIsAFailureNotAResend() throws Exception {
        server = new ScriptedServer((request, out) -> request.index() == 1
                ? Action.HOLD // never answers; the client gives up
                : answer(out, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));

        try (HttpConnection connection = connection(300)) {
            assertThat(send(connection, 0)).isEqualTo(202);
            assertThat(send(connection, 1)).isEqualTo(HttpConnection.FAILED);
            assertThat(connection.staleRetries()).isZero();
            assertThat(send(connection, 2)).isEqualTo(202);
            assertThat(connection.connects()).isEqualTo(2);
        }
        assertThat(server.stop()).extracting(Request::connection).containsExactly(0, 0, 1);
    }

    @Test
    void aRefusedConnectionIsAFailure() throws IOException {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        WebhookRequests requests = requests("run");
        byte[] buffer = requests.newBuffer();
        try (HttpConnection connection = new HttpConnection("127.0.0.1", port, 2_000, 2_000)) {
            assertThat(connection.exchange(buffer, requests.render(0, buffer))).isEqualTo(HttpConnection.FAILED);
            assertThat(connection.failures()).isEqualTo(1);
        }
    }

    private int send(HttpConnection connection, long n) {
        WebhookRequests requests = requests("run");
        byte[] buffer = requests.newBuffer();
        return connection.exchange(buffer, requests.render(n, buffer));
    }

    private WebhookRequests requests(String runId) {
        URI url = URI.create("http://127.0.0.1:" + (server == null ? 1 : server.port()) + "/webhooks/github?x=1");
        return new WebhookRequests(url, runId, "n0nce", List.of(new Webhooks.Delivery("ping", "unused", BODY, SIGNATURE)));
    }

    private HttpConnection connection(int readTimeoutMillis) {
        return new HttpConnection("127.0.0.1", server.port(), 2_000, readTimeoutMillis);
    }

    private static Action answer(OutputStream out, String response) throws IOException {
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return Action.KEEP;
    }

    enum Action { KEEP, CLOSE, HOLD }

    record Request(int index, int connection, String head, byte[] body) {
    }

    interface Script {
        Action answer(Request request, OutputStream out) throws IOException;
    }

    /** Accepts connections one after the other; reads whole requests (headers, Content-Length body); runs the script. */
    static final class ScriptedServer {

        private final ServerSocket socket;
        private final Thread thread;
        private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
        private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

        ScriptedServer(Script script) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(script), "scripted-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** Stops accepting, waits for the server thread; the requests it saw, in order. */
        List<Request> stop() throws Exception {
            socket.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
            thread.join(10_000);
            assertThat(thread.isAlive()).as("server thread ended").isFalse();
            return List.copyOf(requests);
        }

        private void serve(Script script) {
            int connections = 0;
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    int number = connections++;
                    boolean hold = serveConnection(connection, number, script);
                    if (hold) {
                        held.add(connection); // left open and silent; the next accept serves the client's next one
                    } else {
                        connection.close();
                    }
                } catch (IOException e) {
                    // the server socket was closed: stop
                }
            }
        }

        /** True when the script held the connection (open, unanswered). */
        private boolean serveConnection(Socket connection, int number, Script script) throws IOException {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                String head;
                try {
                    head = readHead(in);
                } catch (SocketException e) {
                    return false; // reset by the client
                }
                if (head == null) {
                    return false; // the client closed the connection
                }
                byte[] body = in.readNBytes(contentLength(head));
                Request request = new Request(requests.size(), number, head, body);
                requests.add(request);
                switch (script.answer(request, out)) {
                    case KEEP -> {
                    }
                    case CLOSE -> {
                        return false;
                    }
                    case HOLD -> {
                        return true;
                    }
                }
            }
        }

        /** The request line and headers with their final CRLFCRLF; null at EOF before the first byte. */
        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new IOException("EOF inside a request head");
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }
    }
}
