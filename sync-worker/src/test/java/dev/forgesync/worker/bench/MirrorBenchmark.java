package dev.forgesync.worker.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushOutcome;
import dev.forgesync.worker.mirror.PushTarget;

/**
 * Not a test: the worker's mirror code against the git command line, both over HTTP against the same JGit servers.
 * Run with {@code sync-worker/bench/run-bench.sh}. Arguments: commits (default 3000), runs (default 3).
 */
public final class MirrorBenchmark {

    private static final String TOKEN = "bench-token-0123456789";
    private static final String NAME = "bench/big";

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Files.createTempDirectory("forgesync-bench");
        try (GitHttpServer github = GitHttpServer.builder(root.resolve("github")).start();
             OneDevStandIn onedev = OneDevStandIn.start(root.resolve("onedev"), TOKEN)) {
            Path source = github.createBareRepository(NAME);
            long t0 = System.nanoTime();
            generate(source, commits);
            System.out.printf("generated %d commits, %.1f MiB of packs in %.1f s%n", commits,
                    dirSize(source.resolve("objects")) / 1048576.0, (System.nanoTime() - t0) / 1e9);

            List<Double> cli = new ArrayList<>();
            List<Double> worker = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                cli.add(cliMirror(root, github, onedev, "cli" + i));
                worker.add(workerMirror(root, github, onedev, "worker" + i).seconds);
            }
            System.out.printf("full mirror: git CLI median %.2f s %s, worker median %.2f s %s, ratio %.2f%n",
                    median(cli), cli, median(worker), worker, median(worker) / median(cli));

            // Incremental: a realistic push of 5 commits touching 20 files, into the caches made above.
            String before = git(source, "rev-parse", "refs/heads/main").trim();
            appendCommits(source, 5, 4, 7);
            String after = git(source, "rev-parse", "refs/heads/main").trim();
            long thinPack = thinPackSize(source, after, before);
            Result inc = workerMirror(root, github, onedev, "worker0");
            System.out.printf("incremental: git thin pack %d bytes; worker fetched %d bytes, pushed %d bytes"
                            + " (push/thin = %.2f, fetch/thin = %.2f)%n", thinPack, inc.fetched, inc.pushed,
                    inc.pushed / (double) thinPack, inc.fetched / (double) thinPack);

            List<Double> noop = new ArrayList<>();
            long noopPushed = 0;
            for (int i = 0; i < Math.max(3, runs); i++) {
                Result r = workerMirror(root, github, onedev, "worker0");
                noop.add(r.seconds * 1000);
                noopPushed += r.pushed;
            }
            System.out.printf("no-op sync: median %.0f ms %s, bytes pushed %d%n", median(noop), noop, noopPushed);
        }
    }

    private record Result(double seconds, long fetched, long pushed) {
    }

    private static Result workerMirror(Path root, GitHttpServer github, OneDevStandIn onedev, String cacheName) {
        URI target = project(onedev, cacheName);
        GitMirror mirror = new GitMirror(new GithubProperties(github.baseUri(), null),
                new MirrorProperties(root.resolve("cache-" + cacheName), DataSize.ofGigabytes(10), false,
                        Duration.ofMinutes(5)));
        long t0 = System.nanoTime();
        try (MirrorSession session = mirror.open(NAME)) {
            FetchOutcome f = session.fetch();
            PushOutcome p = session.push(PushTarget.http(target, "bench", TOKEN), "main");
            return new Result((System.nanoTime() - t0) / 1e9, f.bytesFetched(), p.bytesPushed());
        }
    }

    private static double cliMirror(Path root, GitHttpServer github, OneDevStandIn onedev, String name)
            throws Exception {
        URI target = project(onedev, name);
        Path dir = root.resolve("cli-" + name + ".git");
        String authed = target.toString().replace("http://", "http://bench:" + TOKEN + "@");
        long t0 = System.nanoTime();
        run(root, "git", "clone", "--quiet", "--mirror", github.cloneUri(NAME).toString(), dir.toString());
        run(dir, "git", "push", "--quiet", "--mirror", authed);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static URI project(OneDevStandIn onedev, String name) {
        OneDevStandIn.Project p = onedev.projectByPath(name).orElseGet(() -> onedev.createProject(name, null));
        return URI.create(onedev.baseUri() + "/" + p.path() + ".git");
    }

    /** Builds the history with git fast-import: each commit adds a file of base64 text (compresses like code). */
    private static void generate(Path bare, int commits) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "fast-import", "--quiet")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            writeCommits(out, commits, 1, 12_000, null, 42);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("fast-import failed");
        }
        git(bare, "symbolic-ref", "HEAD", "refs/heads/main");
        git(bare, "tag", "v1.0", "refs/heads/main~100");
        git(bare, "branch", "release", "refs/heads/main~50");
        git(bare, "repack", "-a", "-d", "-q");
    }

    private static void appendCommits(Path bare, int commits, int filesPerCommit, long seed) throws Exception {
        String parent = git(bare, "rev-parse", "refs/heads/main").trim();
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "fast-import", "--quiet")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream out = new BufferedOutputStream(p.getOutputStream())) {
            writeCommits(out, commits, filesPerCommit, 6_000, parent, seed);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("fast-import failed");
        }
    }

    private static void writeCommits(OutputStream out, int commits, int filesPerCommit, int fileBytes, String parent,
                                     long seed) throws IOException {
        Random random = new Random(seed);
        byte[] raw = new byte[fileBytes * 3 / 4];
        for (int c = 0; c < commits; c++) {
            StringBuilder s = new StringBuilder();
            s.append("commit refs/heads/main\n");
            s.append("committer Bench <bench@example.com> ").append(1_700_000_000L + c).append(" +0000\n");
            String msg = "commit " + c + " (" + seed + ")\n";
            s.append("data ").append(msg.getBytes(StandardCharsets.UTF_8).length).append('\n').append(msg);
            if (c == 0 && parent != null) {
                s.append("from ").append(parent).append('\n');
            }
            out.write(s.toString().getBytes(StandardCharsets.UTF_8));
            for (int f = 0; f < filesPerCommit; f++) {
                random.nextBytes(raw);
                byte[] text = Base64.getMimeEncoder().encode(raw);
                String path = "src/dir" + (c % 50) + "/file-" + seed + "-" + c + "-" + f + ".txt";
                out.write(("M 100644 inline " + path + "\ndata " + text.length + "\n").getBytes(StandardCharsets.UTF_8));
                out.write(text);
                out.write('\n');
            }
        }
    }

    private static long thinPackSize(Path bare, String newTip, String oldTip) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "pack-objects", "--thin", "--stdout", "--revs",
                "--delta-base-offset", "-q").start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((newTip + "\n^" + oldTip + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long size = p.getInputStream().transferTo(OutputStream.nullOutputStream());
        p.waitFor();
        return size;
    }

    private static String git(Path gitDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd).replace(TOKEN, "****") + ": " + out.replace(TOKEN, "****"));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long dirSize(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private MirrorBenchmark() {
    }
}
