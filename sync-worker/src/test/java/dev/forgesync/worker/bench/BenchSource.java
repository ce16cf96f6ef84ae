package dev.forgesync.worker.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

import dev.forgesync.testsupport.bench.RealRepository;

/**
 * The repository the GitHub stand-in serves when no real one is given ({@code BENCH_REPO}, served by
 * {@link RealRepository#overlay}): generated with git fast-import; and the incremental step's commits, which land in
 * the served directory only.
 */
final class BenchSource {

    private BenchSource() {
    }

    /** Builds the history with git fast-import: each commit adds a file of base64 text (compresses like code). */
    static void generate(Path bare, int commits) throws Exception {
        Files.createDirectories(bare.getParent());
        run(bare.getParent(), "git", "init", "--bare", "-q", bare.toString());
        fastImport(bare, commits, 1, 12_000, null, 42);
        git(bare, "symbolic-ref", "HEAD", "refs/heads/main");
        git(bare, "tag", "v1.0", "refs/heads/main~100");
        git(bare, "branch", "release", "refs/heads/main~50");
        git(bare, "repack", "-a", "-d", "-q");
    }

    /** Adds {@code commits} commits of {@code filesPerCommit} new files each on top of the default branch. */
    static void appendCommits(Path bare, int commits, int filesPerCommit, long seed) throws Exception {
        String branch = defaultBranch(bare);
        String parent = git(bare, "rev-parse", branch).trim();
        fastImport(bare, commits, filesPerCommit, 6_000, parent, seed);
    }

    static String defaultBranch(Path bare) throws Exception {
        return git(bare, "symbolic-ref", "HEAD").trim();
    }

    private static void fastImport(Path bare, int commits, int filesPerCommit, int fileBytes, String parent,
                                   long seed) throws Exception {
        String branch = parent == null ? "refs/heads/main" : defaultBranch(bare);
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "fast-import", "--quiet")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            writeCommits(out, branch, commits, filesPerCommit, fileBytes, parent, seed);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("fast-import failed");
        }
    }

    private static void writeCommits(OutputStream out, String branch, int commits, int filesPerCommit,
                                     int fileBytes, String parent, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] raw = new byte[fileBytes * 3 / 4];
        for (int c = 0; c < commits; c++) {
            StringBuilder s = new StringBuilder();
            s.append("commit ").append(branch).append('\n');
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
                out.write(("M 100644 inline " + path + "\ndata " + text.length + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.write(text);
                out.write('\n');
            }
        }
    }

    /** Bytes of git's own thin pack from {@code oldTip} to {@code newTip}: what {@code git push} would send. */
    static long thinPackSize(Path bare, String newTip, String oldTip) throws Exception {
        Process p = new ProcessBuilder("git", "--git-dir=" + bare, "pack-objects", "--thin", "--stdout", "--revs",
                "--delta-base-offset", "-q").start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((newTip + "\n^" + oldTip + "\n").getBytes(StandardCharsets.UTF_8));
        }
        long size = p.getInputStream().transferTo(OutputStream.nullOutputStream());
        p.waitFor();
        return size;
    }

    static String git(Path gitDir, String... args) throws Exception {
        return RealRepository.git(gitDir, args);
    }

    static void run(Path dir, String... cmd) throws Exception {
        RealRepository.run(dir, java.util.Map.of(), cmd);
    }
}
