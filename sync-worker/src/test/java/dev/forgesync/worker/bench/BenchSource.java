package dev.forgesync.worker.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The repository the GitHub stand-in serves: generated, or a real bare repository given as {@code BENCH_REPO}.
 *
 * <p>A real one is never written to: the served repository is a new bare directory whose {@code objects/info/alternates}
 * points at the given one's objects, with a copy of its refs (every namespace, e.g. {@code refs/pull/*} or Gerrit's
 * {@code refs/changes/*}, so the advertisement is the real one). The incremental step's commits land in the new
 * directory only. Branches and tags that reach objects the given repository lacks (a copy made with a blob size
 * filter leaves large blobs out) are left out, since no server could send them: the bench says which.
 */
final class BenchSource {

    private BenchSource() {
    }

    /** Serves {@code real} at {@code served} (an absent folder); answers the branches and tags left out. */
    static List<String> overlay(Path real, Path served) throws Exception {
        Files.createDirectories(served.getParent());
        run(served.getParent(), "git", "init", "--bare", "-q", served.toString());
        Files.writeString(served.resolve("objects/info/alternates"),
                real.resolve("objects").toAbsolutePath() + "\n");
        Set<String> incomplete = incompleteRefs(real);
        StringBuilder packed = new StringBuilder();
        for (String line : git(real, "for-each-ref", "--format=%(objectname) %(refname)").split("\n")) {
            if (!line.isBlank() && !incomplete.contains(line.substring(line.indexOf(' ') + 1))) {
                packed.append(line).append('\n');
            }
        }
        Files.writeString(served.resolve("packed-refs"), packed.toString());
        String head = git(real, "symbolic-ref", "HEAD").trim();
        if (incomplete.contains(head)) {
            head = git(served, "for-each-ref", "--sort=-committerdate", "--count=1", "--format=%(refname)",
                    "refs/heads").trim();
        }
        git(served, "symbolic-ref", "HEAD", head);
        return List.copyOf(incomplete);
    }

    /** Branches and tags whose history reaches an object {@code repo} does not have. */
    private static Set<String> incompleteRefs(Path repo) throws Exception {
        List<String> missing = missingObjects(repo, List.of("--branches", "--tags"));
        Set<String> out = new LinkedHashSet<>();
        if (missing.isEmpty()) {
            return out;
        }
        for (String blob : missing) {
            String introducers;
            try {
                introducers = git(repo, "log", "--branches", "--tags", "--format=%H", "--find-object=" + blob);
            } catch (IllegalStateException e) {
                continue; // git could not diff past the missing object: the per-ref check below finds the refs
            }
            for (String commit : introducers.split("\n")) {
                if (!commit.isBlank()) {
                    out.addAll(lines(git(repo, "for-each-ref", "--contains", commit, "--format=%(refname)",
                            "refs/heads", "refs/tags")));
                }
            }
        }
        List<String> rest = new ArrayList<>(lines(git(repo, "for-each-ref", "--format=%(refname)", "refs/heads",
                "refs/tags")));
        rest.removeAll(out);
        if (!missingObjects(repo, rest).isEmpty()) {
            for (String ref : rest) {
                if (!missingObjects(repo, List.of(ref)).isEmpty()) {
                    out.add(ref);
                }
            }
        }
        return out;
    }

    private static List<String> missingObjects(Path repo, List<String> revs) throws Exception {
        if (revs.isEmpty()) {
            return List.of();
        }
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + repo, "rev-list", "--objects",
                "--missing=print"));
        cmd.addAll(revs);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> missing = new ArrayList<>();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("?")) {
                    missing.add(line.substring(1));
                }
            }
        }
        p.waitFor();
        return missing;
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
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }

    private static List<String> lines(String s) {
        return s.lines().filter(l -> !l.isBlank()).toList();
    }
}
