package dev.forgesync.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real broker process of {@code infra/bin/kafka.sh} (the one {@code ./forgesync start} runs) on free ports,
 * with its state under e2e/target (the jars are fetched by Maven once into target/kafka-state/kafka/libs).
 * {@link #kill9()}, {@link #pause()} and {@link #resume()} act on the pid the script wrote.
 */
final class KafkaBroker implements AutoCloseable {

    private static final Path SCRIPT = Path.of("..", "infra", "bin", "kafka.sh").toAbsolutePath().normalize();

    private final Path stateDir;
    private final int port;
    private final int controllerPort;

    private KafkaBroker(Path stateDir, int port, int controllerPort) {
        this.stateDir = stateDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker with empty storage. */
    static KafkaBroker start(Path stateDir) {
        int port = Signals.freePort();
        int controller = Signals.freePort();
        while (controller == port) {
            controller = Signals.freePort();
        }
        KafkaBroker broker = new KafkaBroker(stateDir, port, controller);
        broker.script("stop");
        deleteRecursively(stateDir.resolve("kafka").resolve("data"));
        broker.restart();
        return broker;
    }

    /** {@code kafka.sh start} on the same ports and storage (after a kill, say). */
    void restart() {
        String out = script("start");
        if (!isRunning()) {
            throw new IllegalStateException("the broker did not start:\n" + out);
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    Optional<Long> pid() {
        Path file = stateDir.resolve("kafka").resolve("kafka.pid");
        try {
            // kafka.sh writes "PID START" (the start time tells a reused PID apart)
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).strip().split("\\s+")[0])) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean isRunning() {
        return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    void kill9() {
        ProcessHandle handle = pid().flatMap(ProcessHandle::of).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    void pause() {
        Signals.send("STOP", pid().orElseThrow());
    }

    void resume() {
        Signals.send("CONT", pid().orElseThrow());
    }

    long rssKb() {
        return pid().map(Signals::rssKb).orElse(0L);
    }

    Path logFile() {
        return stateDir.resolve("kafka").resolve("kafka.log");
    }

    @Override
    public void close() {
        pid().ifPresent(p -> Signals.send("CONT", p));
        script("stop");
        pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }

    private String script(String command) {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), command));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "FORGESYNC_STATE_DIR", stateDir.toString(),
                "FORGESYNC_KAFKA_PORT", Integer.toString(port),
                "FORGESYNC_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
                "FORGESYNC_KAFKA_HEAP", "384m"));
        try {
            Files.createDirectories(stateDir);
            Path out = Files.createTempFile(stateDir, "kafka-sh-", ".out");
            Process process = builder.redirectOutput(out.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) { // the first start fetches the broker's jars with Maven
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("kafka.sh " + command + " did not finish:\n" + Files.readString(out));
            }
            String text = Files.readString(out);
            Files.delete(out);
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("could not run kafka.sh " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not delete " + dir, e);
        }
    }
}
