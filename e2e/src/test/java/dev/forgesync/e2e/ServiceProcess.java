package dev.forgesync.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service started from its executable jar ({@code java -jar}) as a separate operating-system process, with
 * its environment, its output appended to a log file under target/e2e-logs, and the signals a fault needs:
 * {@link #kill9()}, {@link #pause()} (SIGSTOP), {@link #resume()} (SIGCONT).
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private int managementPort;
    private final Map<String, String> env;
    private final Path logFile;
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;

    ServiceProcess(String name, Path jar, int port, Map<String, String> env, Path logDir) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.env = new LinkedHashMap<>(env);
        this.env.put("SERVER_PORT", Integer.toString(port));
        this.managementPort = port;
        this.logFile = logDir.resolve(name + ".log");
    }

    /** The actuator on a port of its own (MANAGEMENT_SERVER_PORT), where health is read; otherwise on {@code port}. */
    ServiceProcess managementPort(int value) {
        managementPort = value;
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(value));
        return this;
    }

    /** The JVM's options, in order, before {@code -jar} (its heap among them: {@code -Xmx...} or a java @argfile). */
    ServiceProcess jvmOptions(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    /** Starts the process (appending to its log) without waiting for it to be ready. */
    ServiceProcess start() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (./mvnw -pl e2e -am verify "
                    + "packages ingest-service and sync-worker before e2e)");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("FORGESYNC_"));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "=== start " + name + " " + java.time.Instant.now() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        return this;
    }

    /** Waits (bounded) until the actuator answers; fails with the log's tail if the process died or stayed silent. */
    ServiceProcess awaitReady(Duration atMost) {
        await(name + " ready on port " + port).atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            return healthStatus() > 0;
        });
        return this;
    }

    /** The HTTP status of /actuator/health, or 0 when nothing answers. */
    int healthStatus() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    /** {@code kill -9}: no shutdown hook, no graceful anything. */
    void kill9() {
        process.destroyForcibly();
        waitForExit();
    }

    /** {@code kill -STOP}: the process freezes, its sockets stay open. */
    void pause() {
        Signals.send("STOP", pid());
    }

    /** {@code kill -CONT}. */
    void resume() {
        Signals.send("CONT", pid());
    }

    /** Resident set size from /proc (kB). */
    long rssKb() {
        return Signals.rssKb(pid());
    }

    /** Peak resident set size so far ({@code VmHWM}, kB): no spike between two samples is missed. */
    long peakRssKb() {
        return Signals.peakRssKb(pid());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, bounded wait, then SIGKILL. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        Signals.send("CONT", pid()); // a paused process would never handle SIGTERM
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        waitForExit();
    }

    private void waitForExit() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
