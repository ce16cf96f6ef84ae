package dev.forgesync.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Operating-system helpers: signals, free ports, RSS, and which process holds a TCP connection to a port. */
final class Signals {

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    private Signals() {
    }

    static void send(String signal, long pid) {
        run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resident set size now ({@code VmRSS}), kB; 0 when the process is gone. */
    static long rssKb(long pid) {
        return status(pid, "VmRSS:");
    }

    /** The highest resident set size the process has had ({@code VmHWM}, the kernel's own peak), kB. */
    static long peakRssKb(long pid) {
        return status(pid, "VmHWM:");
    }

    private static long status(long pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith(field))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Pids of processes with an established TCP connection to 127.0.0.1:{@code port} (from {@code ss -tnp}). */
    static java.util.Set<Long> pidsConnectedTo(int port) {
        String out = run(List.of("ss", "-Htnp", "state", "established", "dst", "127.0.0.1:" + port));
        java.util.Set<Long> pids = new java.util.HashSet<>();
        Matcher m = PID.matcher(out);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    /** Runs a command and fails, with its output, unless it exits with 0. */
    static String runOk(List<String> command) {
        Finished done = execute(command, 90);
        if (done.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + done.exitValue() + ":\n" + done.output());
        }
        return done.output();
    }

    /** Runs a command and returns its output, whatever its exit code. */
    static String run(List<String> command) {
        return execute(command, 30).output();
    }

    private record Finished(int exitValue, String output) {
    }

    private static Finished execute(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            return new Finished(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
