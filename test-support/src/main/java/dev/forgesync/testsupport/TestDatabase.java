package dev.forgesync.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh PostgreSQL database created for one test run (one JVM) and dropped when it exits.
 *
 * <p>{@link #perRun()} gives the run's migrated database, shared by every test class and Spring context in the
 * JVM; {@link #create(String)} gives an extra empty one (for a restore target, a migration test from scratch).
 * The server comes from {@link PostgresServer#shared()}.
 */
public record TestDatabase(String name, String jdbcUrl, String username, String password) {

    private static volatile TestDatabase perRun;

    /** The run's database, migrated with the Flyway migrations on the classpath ({@code classpath:db/migration}). */
    public static TestDatabase perRun() {
        TestDatabase db = perRun;
        if (db == null) {
            synchronized (TestDatabase.class) {
                db = perRun;
                if (db == null) {
                    db = create("run");
                    db.migrate();
                    perRun = db;
                }
            }
        }
        return db;
    }

    /** A new, empty database on the shared server, dropped when the JVM exits. */
    public static TestDatabase create(String purpose) {
        return PostgresServer.shared().createDatabase(purpose);
    }

    /** Applies the migrations on the classpath and returns how many were applied. */
    public int migrate() {
        return Flyway.configure()
                .dataSource(jdbcUrl, username, password)
                .load()
                .migrate()
                .migrationsExecuted;
    }

    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(username);
        ds.setPassword(password);
        return ds;
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", username);
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** Empties every forgesync table (keeping the schema), for tests that need a clean slate. */
    public void truncateAll() {
        try (Connection c = connect(); var st = c.createStatement()) {
            st.execute("TRUNCATE sync_logs, webhook_events, repositories, repositories_archive RESTART IDENTITY CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not truncate " + name, e);
        }
    }

    /** Spring Boot properties that point a context at this database. */
    public java.util.Map<String, String> springProperties() {
        return java.util.Map.of(
                "spring.datasource.url", jdbcUrl,
                "spring.datasource.username", username,
                "spring.datasource.password", password == null ? "" : password);
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + " at " + jdbcUrl + "]";
    }
}
