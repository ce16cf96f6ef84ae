package dev.forgesync.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 cluster of its own (initdb under a temporary folder, a free port), for tests that
 * change server configuration - which the shared server on 5432 must never see. Runs the server binaries as the
 * operating-system user {@code postgres} (initdb refuses root), so it needs root and a local PostgreSQL 15
 * installation: {@link #available()} says whether this machine has both.
 */
final class PrivateCluster implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final Path root;
    private final int port;
    private Path dataDir;
    private boolean running;

    private PrivateCluster(Path root, int port) {
        this.root = root;
        this.port = port;
    }

    static boolean available() {
        return Files.isExecutable(BIN.resolve("initdb")) && "root".equals(System.getProperty("user.name"));
    }

    /** A new cluster, initialised, not started; trust authentication for local and 127.0.0.1 connections. */
    static PrivateCluster init() throws IOException {
        Path root = Files.createTempDirectory("forgesync-pg-");
        PrivateCluster cluster = new PrivateCluster(root, freePort());
        cluster.asPostgres("chown", "postgres", root.toString()); // runs as root: hands the folder over
        cluster.dataDir = root.resolve("data");
        cluster.asPostgres("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D",
                cluster.dataDir.toString(), "-A", "trust", "-U", "postgres");
        cluster.appendConfig("port = " + cluster.port + "\nlisten_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + root + "'\n");
        return cluster;
    }

    Path root() {
        return root;
    }

    Path dataDir() {
        return dataDir;
    }

    int port() {
        return port;
    }

    /** A folder under the cluster's root owned by postgres (archives, backups, certificates). */
    Path folder(String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        asPostgres("chown", "postgres", dir.toString());
        return dir;
    }

    void appendConfig(String lines) throws IOException {
        Files.writeString(dataDir.resolve("postgresql.conf"), "\n" + lines + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    void writeFile(String name, String content) throws IOException {
        Path file = dataDir.resolve(name);
        Files.writeString(file, content);
        asPostgres("chown", "postgres", file.toString());
    }

    /** Serves {@code dir} (a copy of a base backup, say) instead of the original data directory from now on. */
    void useDataDir(Path dir) {
        dataDir = dir;
    }

    void start() {
        asPostgres("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                "-l", root.resolve("server-" + dataDir.getFileName() + ".log").toString(), "-w", "-t", "60", "start");
        running = true;
    }

    void stop() {
        asPostgres("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                "-w", "-t", "60", "-m", "fast", "stop");
        running = false;
    }

    String log() throws IOException {
        return Files.readString(root.resolve("server-" + dataDir.getFileName() + ".log"));
    }

    String jdbcUrl(String params) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres" + params;
    }

    Connection connect(String params) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(params), props);
    }

    List<String> query(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs a command (as root, or as postgres through {@code runuser} in the arguments), failing on a non-zero exit. */
    String asPostgres(String... command) {
        try {
            Path out = Files.createTempFile("forgesync-pg-cmd-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            String output = Files.readString(out);
            Files.delete(out);
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (running) {
            try {
                stop();
            } catch (AssertionError e) {
                System.err.println("could not stop private cluster in " + dataDir + ": " + e.getMessage());
            }
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
