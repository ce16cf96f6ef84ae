package dev.forgesync.worker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;

/**
 * The GitHub stand-in (smart HTTP over {@code <root>/github}) and the OneDev stand-in, in a JVM of their own, so the
 * benchmark's process holds only the worker's mirror code: its peak RSS is the worker's, and the servers' JGit caches
 * and heap are the same for the worker and for the git command line. The parent talks to it over stdin/stdout, one
 * line per command: {@code project <path>} creates a OneDev project, {@code count} answers the requests seen since
 * {@code clear}. Closing stdin stops it.
 */
final class BenchServers implements AutoCloseable {

    /**
     * Requests seen: to the source, the source's upload-pack POSTs (a pack, or an ls-refs: the worker's no-op probe
     * and v2's listing are POSTs too), to OneDev, OneDev's receive-pack POSTs.
     */
    record Counts(int source, int sourcePacks, int destination, int destinationPacks) {
    }

    private final Process process;
    private final PrintWriter commands;
    private final BufferedReader answers;
    final URI github;
    final URI onedev;

    private BenchServers(Process process) throws IOException {
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String[] ready = answer().split(" ");
        this.github = URI.create(ready[0]);
        this.onedev = URI.create(ready[1]);
    }

    /** Starts the servers over {@code root} in a child JVM with the benchmark's classpath. */
    static BenchServers start(Path root, String token, String heap) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), BenchServers.class.getName(),
                root.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // The token travels on stdin, never on a command line.
        p.getOutputStream().write((token + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        return new BenchServers(p);
    }

    /** Creates (or finds) the OneDev project {@code path}; answers its git URL. */
    URI project(String path) throws IOException {
        commands.println("project " + path);
        return URI.create(answer());
    }

    Counts count() throws IOException {
        commands.println("count");
        String[] n = answer().split(" ");
        return new Counts(Integer.parseInt(n[0]), Integer.parseInt(n[1]), Integer.parseInt(n[2]),
                Integer.parseInt(n[3]));
    }

    void clear() throws IOException {
        commands.println("clear");
        answer();
    }

    private String answer() throws IOException {
        String line = answers.readLine();
        if (line == null) {
            throw new IOException("the bench servers stopped");
        }
        return line;
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        process.waitFor();
    }

    /** The child: {@code BenchServers <root>}, the OneDev token on the first line of stdin. */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String token = in.readLine();
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        try (GitHttpServer github = GitHttpServer.builder(root.resolve("github")).start();
             OneDevStandIn onedev = OneDevStandIn.start(root.resolve("onedev"), token)) {
            out.println(github.baseUri() + " " + onedev.baseUri());
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("project ")) {
                    String path = line.substring("project ".length());
                    OneDevStandIn.Project p = onedev.projectByPath(path)
                            .orElseGet(() -> onedev.createProject(path, null));
                    out.println(onedev.baseUri() + "/" + p.path() + ".git");
                } else if (line.equals("count")) {
                    out.println(github.requests().size() + " "
                            + github.requests().stream().filter(GitHttpServer.Request::isUploadPack).count() + " "
                            + onedev.requests().size() + " "
                            + onedev.requests().stream().filter(GitHttpServer.Request::isReceivePack).count());
                } else if (line.equals("clear")) {
                    github.clearRequests();
                    onedev.clearRequests();
                    out.println("ok");
                }
            }
        }
    }
}
