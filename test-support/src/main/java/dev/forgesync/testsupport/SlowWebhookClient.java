package dev.forgesync.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A client that sends a webhook request's headers, announcing a body, and then the body as slowly as it likes (a
 * byte now and then, or never): what an attacker does to hold a server's memory or threads. Over a raw socket, so
 * nothing in between buffers or completes the body. Only ever connects to 127.0.0.1.
 */
public final class SlowWebhookClient implements AutoCloseable {

    /** A signature header of the right form that matches no body: worth reading the body for, never valid. */
    public static final String WELL_FORMED_WRONG_SIGNATURE = "sha256=" + "0".repeat(64);

    private final Socket socket;
    private final OutputStream out;

    private SlowWebhookClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code 127.0.0.1:port} and sends the request line and headers of a POST to the webhook path
     * announcing {@code contentLength} bytes, plus {@code headers}; no body yet.
     */
    public static SlowWebhookClient announce(int port, long contentLength, Map<String, String> headers) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            SlowWebhookClient client = new SlowWebhookClient(socket);
            StringBuilder head = new StringBuilder("POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            client.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code n} more bytes of the body; false once the server has closed the connection. */
    public boolean send(int n) {
        try {
            out.write(new byte[n]);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The status of the server's answer, waiting at most {@code atMost}; 0 when none came by then, -1 when the
     * connection was closed without one.
     */
    public int status(Duration atMost) {
        try {
            socket.setSoTimeout((int) atMost.toMillis());
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.write(c);
            }
            String status = line.toString(StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.1 ") ? Integer.parseInt(status.substring(9, 12)) : -1;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
