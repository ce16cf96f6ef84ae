package dev.forgesync.demo;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** What the demo needs to know, from the environment {@code ./forgesync demo} sets (defaults fit {@code ./forgesync start}). */
record DemoSettings(
        Path githubRoot,
        Path workDir,
        int githubPort,
        String fullName,
        long githubRepoId,
        URI ingestUrl,
        String secret,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        Path localMirrors) {

    static DemoSettings fromEnvironment() {
        Path dir = Path.of(env("FORGESYNC_DEMO_DIR", ".forgesync/demo")).toAbsolutePath();
        String secret = System.getenv("FORGESYNC_WEBHOOK_SECRET");
        return new DemoSettings(
                dir.resolve("github"),
                dir.resolve("work"),
                Integer.parseInt(env("FORGESYNC_DEMO_GITHUB_PORT", "8090")),
                env("FORGESYNC_DEMO_REPOSITORY", "demo/hello-forgesync"),
                Long.parseLong(env("FORGESYNC_DEMO_GITHUB_ID", "900000001")),
                URI.create(env("FORGESYNC_INGEST_URL", "http://127.0.0.1:8080/webhooks/github")),
                secret,
                env("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/forgesync"),
                env("SPRING_DATASOURCE_USERNAME", "forgesync"),
                env("SPRING_DATASOURCE_PASSWORD", "forgesync"),
                Path.of(env("FORGESYNC_DESTINATION_LOCAL_DIR", ".forgesync/mirrors")).toAbsolutePath());
    }

    /** The webhook secret; only the webhook scene needs it. */
    String requireSecret() {
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("FORGESYNC_WEBHOOK_SECRET is not set (./forgesync demo sets it from the running stack)");
        }
        return secret;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
    }

    /** Where a mirror is: OneDev's URL when the row has one, else the workers' local mirror directory. */
    String mirrorLocation(String onedevUrl, String fullName) {
        return onedevUrl != null ? onedevUrl
                : localMirrors.resolve(fullName.toLowerCase(java.util.Locale.ROOT) + ".git").toString();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
