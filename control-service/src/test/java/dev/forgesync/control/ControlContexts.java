package dev.forgesync.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/** Properties every control-service test context shares, and a way to start one by hand (for outages). */
public final class ControlContexts {

    private ControlContexts() {
    }

    /** The run's database and broker, and a relay quick enough for tests. */
    public static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.putAll(TestDatabase.perRun().springProperties());
        properties.putAll(TestKafka.springProperties());
        properties.put("forgesync.publish.partitions", "4");
        properties.put("forgesync.relay.interval", "300ms");
        properties.put("forgesync.relay.grace", "1s");
        properties.put("forgesync.publish.hand-over", "500ms");
        properties.put("forgesync.publish.broker-down-backoff", "1s");
        properties.put("spring.datasource.hikari.minimum-idle", "2");
        return properties;
    }

    /**
     * A test context against {@code db} that reaches GitHub (REST API and git host) at {@code github}: the
     * {@link #properties()}, the database's connection, and the two GitHub URLs.
     */
    public static void register(DynamicPropertyRegistry registry, TestDatabase db, GithubApiStandIn github) {
        properties().forEach((name, value) -> registry.add(name, () -> value));
        db.springProperties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("forgesync.github.api-url", () -> github.apiUri().toString());
        registry.add("forgesync.github.base-url", () -> github.baseUri().toString());
    }

    /** A test context that authenticates to GitHub as the App {@code appId} with the private key in {@code keyFile}. */
    public static void registerApp(DynamicPropertyRegistry registry, long appId, Path keyFile) {
        registry.add("forgesync.github.app-id", () -> Long.toString(appId));
        registry.add("forgesync.github.app-private-key-file", keyFile::toString);
    }

    /** A database of its own for a test class, migrated. */
    public static TestDatabase migrated(String purpose) {
        TestDatabase db = TestDatabase.create(purpose);
        db.migrate();
        return db;
    }

    /** A new temporary folder (for a stand-in's repositories, a key file), deleted when the JVM exits if empty. */
    public static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a context on a random port with {@link #properties()} overridden by {@code overrides}, passed as
     * command-line arguments so they win over application.yml (default properties would not).
     */
    public static ConfigurableApplicationContext start(Map<String, Object> overrides) {
        Map<String, Object> properties = properties();
        properties.put("server.port", "0");
        properties.putAll(overrides);
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(ControlApplication.class).run(args);
    }

    public static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
