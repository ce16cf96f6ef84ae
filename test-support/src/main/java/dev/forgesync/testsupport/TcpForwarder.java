package dev.forgesync.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP forwarder from a fixed local port to a target: while it is not started the port refuses connections,
 * as a down broker's would. Kafka clients bootstrap through it, then follow the broker's advertised address.
 *
 * <p>Faults: {@link #close()} then {@link #start()} again is an outage (existing connections reset, new ones refused);
 * {@link #blackHole(boolean)} keeps every connection open but silently drops what flows either way, as a half-open
 * connection behind a failed-over host or a stateful firewall does.
 */
public final class TcpForwarder implements AutoCloseable {

    private final int port;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final InetAddress bindAddress;
    private volatile ServerSocket server;
    private volatile boolean blackHoled;

    public TcpForwarder(int port, String target) {
        this(InetAddress.getLoopbackAddress(), port, target);
    }

    /**
     * A forwarder listening on another of this machine's addresses, e.g. the Docker bridge's gateway, where the
     * containers a test started reach a stand-in that listens on loopback ({@code port} 0: an ephemeral one).
     */
    public TcpForwarder(InetAddress bindAddress, int port, String target) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.targetHost = target.substring(0, target.lastIndexOf(':'));
        this.targetPort = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
    }

    /** A port nothing listens on right now, for a forwarder the code under test is configured with up front. */
    public static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address clients use, {@code 127.0.0.1:<port>} (or the bind address given). */
    public String address() {
        return bindAddress.getHostAddress() + ":" + port();
    }

    /** The port it listens on (the ephemeral one chosen once started, where 0 was given). */
    public int port() {
        ServerSocket socket = server;
        return socket != null ? socket.getLocalPort() : port;
    }

    /** While on, connections stay open (and new ones are accepted) but no byte reaches the other side. */
    public void blackHole(boolean on) {
        this.blackHoled = on;
    }

    public void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true); // started again after close(): the port may still have connections in TIME_WAIT
        socket.bind(new InetSocketAddress(bindAddress, port), 50);
        server = socket;
        Thread acceptor = new Thread(this::accept, "tcp-forwarder-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (!blackHoled) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // connection closed by either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-forwarder-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        if (server != null) {
            closeQuietly(server);
        }
        sockets.forEach(TcpForwarder::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
