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
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushOutcome;
import dev.forgesync.worker.mirror.PushTarget;

/**
 * Not a test: vault mode against exact mode on syncs without force-pushes, in the same run, interleaved (the order
 * alternates each round), each mode with its own cache and OneDev project. Per round: a full mirror into a fresh
 * cache and project, then fast-forward syncs (main and {@code branches} branches each gain a commit) and a no-op
 * sync. Prints medians and the vault/exact ratio. Run with {@code sync-worker/bench/run-vault-bench.sh}.
 * Arguments: commits (default 2000), branches (default 20), rounds (default 5).
 */
public final class VaultBenchmark {

    private static final String TOKEN = "bench-token-0123456789";
    private static final String NAME = "bench/vault";

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int branches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path root = Files.createTempDirectory("forgesync-vault-bench");
        try (GitHttpServer github = GitHttpServer.builder(root.resolve("github")).start();
             OneDevStandIn onedev = OneDevStandIn.start(root.resolve("onedev"), TOKEN)) {
            Path source = github.createBareRepository(NAME);
            generate(source, commits, branches);
            List<Double> fullExact = new ArrayList<>();
            List<Double> fullVault = new ArrayList<>();
            List<Double> ffExact = new ArrayList<>();
            List<Double> ffVault = new ArrayList<>();
            List<Double> noopExact = new ArrayList<>();
            List<Double> noopVault = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Side exact = new Side(root, github, onedev, MirrorMode.EXACT, round);
                Side vault = new Side(root, github, onedev, MirrorMode.VAULT, round);
                List<Side> order = round % 2 == 0 ? List.of(exact, vault) : List.of(vault, exact);
                for (Side s : order) {
                    (s == exact ? fullExact : fullVault).add(s.sync());
                }
                for (int step = 0; step < 3; step++) {
                    advance(source, branches, round * 10 + step);
                    for (Side s : order) {
                        (s == exact ? ffExact : ffVault).add(s.sync());
                    }
                }
                for (Side s : order) {
                    (s == exact ? noopExact : noopVault).add(s.sync());
                }
                if (exact.archived + vault.archived != 0) {
                    throw new IllegalStateException("a sync without force-pushes archived a tip");
                }
            }
            report("full mirror", fullExact, fullVault);
            report("fast-forward sync (main + " + branches + " branches)", ffExact, ffVault);
            report("no-op sync", noopExact, noopVault);
        }
    }

    /** One mode's mirror: its own cache and project. */
    private static final class Side {
        private final GitMirror mirror;
        private final URI target;
        private int archived;

        Side(Path root, GitHttpServer github, OneDevStandIn onedev, MirrorMode mode, int round) {
            String name = mode.name().toLowerCase() + round;
            this.mirror = new GitMirror(new GithubProperties(github.baseUri(), null),
                    new MirrorProperties(root.resolve("cache-" + name), DataSize.ofGigabytes(10), true,
                            Duration.ofMinutes(5)), HistoryProperties.all(mode));
            this.target = URI.create(onedev.baseUri() + "/" + onedev.createProject(name, null).path() + ".git");
        }

        /** Milliseconds of one fetch + push. */
        double sync() {
            long t0 = System.nanoTime();
            try (MirrorSession session = mirror.open(NAME)) {
                session.fetch();
                PushOutcome p = session.push(PushTarget.http(target, "bench", TOKEN), "main");
                archived += p.archived().size();
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static void report(String what, List<Double> exact, List<Double> vault) {
        System.out.printf("%s: exact median %.0f ms %s, vault median %.0f ms %s, vault/exact %.3f%n", what,
                median(exact), rounded(exact), median(vault), rounded(vault), median(vault) / median(exact));
    }

    private static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A history of {@code commits} commits on main, then {@code branches} branches forked from it. */
    private static void generate(Path bare, int commits, int branches) throws Exception {
        StringBuilder stream = new StringBuilder();
        Random random = new Random(42);
        for (int i = 1; i <= commits; i++) {
            commit(stream, "refs/heads/main", null, "f" + (i % 500) + ".txt", random); // continues the branch
        }
        for (int b = 0; b < branches; b++) {
            commit(stream, "refs/heads/b" + b, "refs/heads/main", "b" + b + ".txt", random);
        }
        fastImport(bare, stream.toString());
        git(bare, "symbolic-ref", "HEAD", "refs/heads/main");
        git(bare, "repack", "-a", "-d", "-q");
    }

    /** Main and every branch gain one commit each: fast-forwards only. */
    private static void advance(Path bare, int branches, long seed) throws Exception {
        StringBuilder stream = new StringBuilder();
        Random random = new Random(seed);
        commit(stream, "refs/heads/main", "refs/heads/main^0", "main-" + seed + ".txt", random);
        for (int b = 0; b < branches; b++) {
            commit(stream, "refs/heads/b" + b, "refs/heads/b" + b + "^0", "b" + b + "-" + seed + ".txt", random);
        }
        fastImport(bare, stream.toString());
    }

    private static void commit(StringBuilder out, String ref, String from, String file, Random random) {
        byte[] bytes = new byte[3000];
        random.nextBytes(bytes);
        String content = java.util.Base64.getMimeEncoder().encodeToString(bytes);
        String message = "change " + file;
        out.append("commit ").append(ref).append('\n')
                .append("committer Bench <bench@example.com> 1700000000 +0000\n")
                .append("data ").append(message.length()).append('\n').append(message).append('\n');
        if (from != null) {
            out.append("from ").append(from).append('\n');
        }
        out.append("M 100644 inline ").append(file).append('\n')
                .append("data ").append(content.getBytes(StandardCharsets.UTF_8).length).append('\n')
                .append(content).append('\n');
    }

    private static void fastImport(Path bare, String stream) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "fast-import", "--quiet", "--force")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            out.write(stream.getBytes(StandardCharsets.UTF_8));
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("fast-import failed");
        }
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + dir));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }
}
