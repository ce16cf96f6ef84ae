package dev.forgesync.testsupport.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real bare repository served by the GitHub stand-in in a benchmark ({@code BENCH_REPO}), and the git command
 * line's mirror of it, the baseline of the sync-worker and end-to-end benchmarks.
 *
 * <p>A real one is never written to: the served repository is a new bare directory whose {@code objects/info/alternates}
 * points at the given one's objects, with a copy of its refs (every namespace, e.g. {@code refs/pull/*} or Gerrit's
 * {@code refs/changes/*}, so the advertisement is the real one). Branches and tags that reach objects the given
 * repository lacks (a copy made with a blob size filter leaves large blobs out) are left out, since no server could
 * send them: {@link #overlay} says which.
 */
public final class RealRepository {

    private RealRepository() {
    }

    /** Serves {@code real} at {@code served} (an absent folder); answers the branches and tags left out. */
    public static List<String> overlay(Path real, Path served) throws Exception {
        Files.createDirectories(served.getParent());
        run(served.getParent(), Map.of(), "git", "init", "--bare", "-q", served.toString());
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
        // As git clone --mirror and GitHub keep them: fully peeled, so a server never opens an object to advertise a ref.
        git(served, "pack-refs", "--all");
        String head = git(real, "symbolic-ref", "HEAD").trim();
        if (incomplete.contains(head)) {
            head = git(served, "for-each-ref", "--sort=-committerdate", "--count=1", "--format=%(refname)",
                    "refs/heads").trim();
        }
        git(served, "symbolic-ref", "HEAD", head);
        return List.copyOf(incomplete);
    }

    /** The branch {@code HEAD} of a bare repository names. */
    public static String defaultBranch(Path bare) throws Exception {
        return git(bare, "symbolic-ref", "--short", "HEAD").trim();
    }

    /** Seconds of the git command line's two halves of a mirror. */
    public record Timing(double fetch, double push) {
        public double total() {
            return fetch + push;
        }
    }

    /**
     * What {@code git clone --mirror} + {@code git push --mirror} do, restricted to the namespaces forgesync mirrors:
     * {@code git init --bare} + {@code git fetch --prune} of {@code +refs/heads/*} and {@code +refs/tags/*} from
     * {@code source}, then {@code git push --force} of the same refspecs to {@code target} with Basic credentials
     * (through the environment, never the command line). A real source also advertises {@code refs/pull/*} or
     * {@code refs/changes/*}, which {@code --mirror} would copy and forgesync never does. The clone {@code work} is
     * deleted afterwards.
     */
    public static Timing cliMirror(URI source, URI target, String user, String token, Path work) throws Exception {
        long t0 = System.nanoTime();
        run(work.getParent(), Map.of(), "git", "init", "--bare", "-q", work.toString());
        run(work, Map.of(), "git", "fetch", "--quiet", "--prune", source.toString(), "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*");
        long t1 = System.nanoTime();
        String basic = Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        run(work, Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "http.extraHeader",
                "GIT_CONFIG_VALUE_0", "Authorization: Basic " + basic), "git", "push", "--quiet", "--force",
                target.toString(), "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*");
        long t2 = System.nanoTime();
        run(work.getParent(), Map.of(), "rm", "-rf", work.toString());
        return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9);
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
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
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

    /** {@code git --git-dir=<gitDir> args...}; its output, or an exception with it when git fails. */
    public static String git(Path gitDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        cmd.addAll(List.of(args));
        return run(null, Map.of(), cmd.toArray(String[]::new));
    }

    /** Runs a command in {@code dir} with extra environment; its output, or an exception with it on failure. */
    public static String run(Path dir, Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    private static List<String> lines(String s) {
        return s.lines().filter(l -> !l.isBlank()).toList();
    }
}
