package dev.forgesync.ingest.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One keep-alive HTTP/1.1 connection of the benchmark's own client: a plain blocking {@link Socket} with
 * TCP_NODELAY, opened on first use and again after the server closes it ({@code Connection: close}, EOF, an error).
 * A request that fails (refused connect, reset, read timeout, malformed answer) is answered {@link #FAILED} instead
 * of throwing; the connection is dropped and the next request opens a new one.
 * <p>
 * A request on a reused connection that dies before the first byte of its answer is sent once more on a new
 * connection: the server had closed the idle connection before it read the request (the race every keep-alive
 * client has). The retry carries the same delivery id, so even if the first copy had been stored the second is a
 * duplicate, not a second row. Not thread-safe: one connection per worker thread.
 */
final class HttpConnection implements Closeable {

    /** The status counted for a request that got no HTTP answer: refused, reset, timed out. */
    static final int FAILED = 599;

    private final InetSocketAddress address;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private Socket socket;
    private OutputStream out;
    private HttpResponseReader reader;
    private int requestsOnSocket;
    private boolean reading;
    private long connects;
    private long failures;
    private long staleRetries;
    private IOException firstFailure;

    HttpConnection(String host, int port, int connectTimeoutMillis, int readTimeoutMillis) {
        this.address = new InetSocketAddress(host, port);
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** Sends {@code length} bytes of {@code request} (one whole request) and reads the answer; its status. */
    int exchange(byte[] request, int length) {
        try {
            return send(request, length);
        } catch (IOException e) {
            boolean stale = requestsOnSocket > 1 && !(e instanceof SocketTimeoutException)
                    && (!reading || !reader.responseStarted());
            close();
            if (stale) {
                staleRetries++;
                try {
                    return send(request, length);
                } catch (IOException again) {
                    close();
                    return failed(again);
                }
            }
            return failed(e);
        }
    }

    private int send(byte[] request, int length) throws IOException {
        if (socket == null) {
            connect();
        }
        requestsOnSocket++;
        reading = false;
        out.write(request, 0, length);
        out.flush();
        reading = true;
        int status = reader.readResponse();
        if (!reader.keepAlive()) {
            close();
        }
        return status;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoTimeout(readTimeoutMillis);
            s.connect(address, connectTimeoutMillis);
            out = s.getOutputStream();
            reader = new HttpResponseReader(s.getInputStream());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        requestsOnSocket = 0;
        connects++;
    }

    private int failed(IOException e) {
        failures++;
        if (firstFailure == null) {
            firstFailure = e;
        }
        return FAILED;
    }

    /** Connections opened so far. */
    long connects() {
        return connects;
    }

    /** Requests answered {@link #FAILED}. */
    long failures() {
        return failures;
    }

    /** Requests sent again after their reused connection turned out closed. */
    long staleRetries() {
        return staleRetries;
    }

    /** The first failure, or null. */
    IOException firstFailure() {
        return firstFailure;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
            out = null;
            reader = null;
            requestsOnSocket = 0;
        }
    }
}
