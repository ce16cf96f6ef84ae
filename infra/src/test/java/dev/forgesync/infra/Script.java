package dev.forgesync.infra;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a script from {@code infra/bin}, {@code infra/images} or the tests' {@code scenarios} (paths relative to
 * the infra module's base directory, where Maven runs the tests), with extra environment variables, a bounded wait
 * and its output captured in files under target/.
 */
final class Script {

    private final String path;
    private final List<String> wrapper = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(60);

    private Script(String path) {
        this.path = path;
    }

    static Script bin(String name) {
        return new Script("bin/" + name);
    }

    static Script images(String name) {
        return new Script("images/" + name);
    }

    static Script scenario(String name) {
        return new Script("src/test/resources/scenarios/" + name);
    }

    /** Runs {@code bash <script>} under a command such as {@code unshare -m}. */
    Script under(String... command) {
        wrapper.addAll(List.of(command));
        return this;
    }

    Script args(String... values) {
        args.addAll(List.of(values));
        return this;
    }

    Script env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Script env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    Script timeout(Duration value) {
        timeout = value;
        return this;
    }

    Result run() {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("bash", path));
        command.addAll(args);
        try {
            Path out = Files.createTempFile(outputDir(), "script-", ".out");
            Path err = Files.createTempFile(outputDir(), "script-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(new File("."))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(path + " did not finish within " + timeout + "; stderr:\n" + read(err));
            }
            return new Result(String.join(" ", command), process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + path, e);
        }
    }

    /** Runs the script and fails the test, with its output, unless it exits with 0. */
    Result runOk() {
        Result result = run();
        if (result.exitCode() != 0) {
            throw new AssertionError(result.command() + " exited with " + result.exitCode()
                    + "\nstdout:\n" + result.stdout() + "\nstderr:\n" + result.stderr());
        }
        return result;
    }

    private static Path outputDir() throws IOException {
        return Files.createDirectories(Path.of("target", "script-output"));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    record Result(String command, int exitCode, String stdout, String stderr) {
    }
}
