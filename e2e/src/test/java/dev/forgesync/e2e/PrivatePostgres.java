package dev.forgesync.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.flywaydb.core.Flyway;

/**
 * A PostgreSQL 15 cluster of its own (initdb under a temporary folder, a free port, trust authentication) that a
 * test may stop and start - the shared server on 5432 must never be stopped. Runs the server binaries as the
 * operating-system user {@code postgres} (initdb refuses root), like infra's PrivateCluster, and for the same reason
 * lives under the system's temporary folder rather than target/: {@code postgres} must be able to reach it, and a
 * checkout under a private folder (a {@code mktemp -d} clone, a home directory) is closed to other users.
 */
final class PrivatePostgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path root;
    private final Path data;
    private final int port;
    private boolean running;

    private PrivatePostgres(Path root, int port) {
        this.root = root;
        this.data = root.resolve("data");
        this.port = port;
    }

    static boolean available() {
        return Files.isExecutable(BIN.resolve("initdb")) && "root".equals(System.getProperty("user.name"));
    }

    /** Initialises, starts and migrates a new cluster. */
    static PrivatePostgres start() throws IOException {
        Path root = Files.createTempDirectory("forgesync-e2e-pg-");
        PrivatePostgres pg = new PrivatePostgres(root, Signals.freePort());
        run("chown", "postgres", root.toString());
        run("runuser", "-u", "postgres", "--", BIN.resolve("initdb").toString(), "-D", pg.data.toString(),
                "-A", "trust", "-U", "postgres");
        Files.writeString(pg.data.resolve("postgresql.conf"), "\nport = " + pg.port
                + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + root + "'\nmax_connections = 200\n",
                java.nio.file.StandardOpenOption.APPEND);
        pg.startServer();
        Flyway.configure().dataSource(pg.jdbcUrl(), "postgres", "").load().migrate();
        return pg;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    Pipeline.Db db() {
        return new Pipeline.Db(jdbcUrl(), "postgres", "");
    }

    void startServer() {
        run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", root.resolve("server.log").toString(), "-w", "-t", "60", "start");
        running = true;
    }

    /** {@code pg_ctl stop -m fast}: sessions are ended, new connections refused until {@link #startServer()}. */
    void stopServer() {
        run("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-w", "-t", "60", "-m", "fast", "stop");
        running = false;
    }

    @Override
    public void close() {
        if (running) {
            try {
                stopServer();
            } catch (RuntimeException e) {
                System.err.println("could not stop the private PostgreSQL in " + data + ": " + e.getMessage());
            }
        }
        KafkaBroker.deleteRecursively(root);
    }

    private static void run(String... command) {
        Signals.runOk(List.of(command));
    }
}
