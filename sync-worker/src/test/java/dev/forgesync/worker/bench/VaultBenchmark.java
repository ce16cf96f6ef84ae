package dev.forgesync.worker.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.schema.SyncStatus;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.DestinationProperties;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.config.OneDevProperties;
import dev.forgesync.worker.destination.Destination;
import dev.forgesync.worker.destination.Destinations;
import dev.forgesync.worker.destination.PreparedDestination;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushOutcome;

/**
 * Not a test: vault mode against exact mode on syncs without force-pushes, in the same run, interleaved (the order
 * alternates each round), each mode with its own cache and OneDev project. Each sync is what a worker's sync does
 * with OneDev: prepare the project over REST, fetch, push, then show GitHub's description and default branch
 * ({@code Destination#present}). Per round: a full mirror into a fresh cache and project, then fast-forward syncs
 * (main and {@code branches} branches each gain a commit) and a no-op sync; one untimed full mirror and no-op per
 * mode come first (JIT warm-up, OneDev's parent projects).
 *
 * <p>Per sync it measures the wall time, the CPU time of the thread that runs the sync (the worker's share: JGit
 * runs fetch, pack writing and push on the calling thread), the process CPU time (the worker plus the in-process
 * GitHub and OneDev stand-ins), and the HTTP requests each stand-in received (OneDev's split into REST and git).
 * Prints one table of medians with the vault/exact ratios, and the load average before and after, so a loaded
 * machine shows in the figures. Run with {@code sync-worker/bench/run-vault-bench.sh}. Arguments: commits (default
 * 2000), branches (default 20), rounds (default 7).
 */
public final class VaultBenchmark {

    private static final String TOKEN = "bench-token-0123456789";
    private static final String NAME = "bench/vault";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** What one sync cost. */
    record Cost(double wallMs, double threadCpuMs, double processCpuMs, int onedevRest, int onedevGit, int github) {
    }

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int branches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        String loadBefore = loadAverage();
        Path root = Files.createTempDirectory("forgesync-vault-bench");
        try (GitHttpServer github = GitHttpServer.builder(root.resolve("github")).start();
             OneDevStandIn onedev = OneDevStandIn.start(root.resolve("onedev"), TOKEN)) {
            Path source = github.createBareRepository(NAME);
            generate(source, commits, branches);
            Destination destination = new Destinations(new OneDevProperties(onedev.baseUri(), "bench", TOKEN,
                    "github/{owner}/{repo}", "github-private/{owner}/{repo}", Duration.ofSeconds(10),
                    Duration.ofSeconds(60)), new DestinationProperties(root.resolve("unused"), null)).primary();
            Map<String, Map<MirrorMode, List<Cost>>> costs = new LinkedHashMap<>();
            String full = "full mirror";
            String ff = "fast-forward (main + " + branches + " branches)";
            String noop = "no-op";
            // Untimed: warms the JIT and creates the OneDev parents (github, github/bench) for both modes alike.
            for (MirrorMode mode : MirrorMode.values()) {
                Side warm = new Side(root, github, onedev, destination, mode, "warmup");
                warm.sync();
                warm.sync();
            }
            for (int round = 0; round < rounds; round++) {
                Side exact = new Side(root, github, onedev, destination, MirrorMode.EXACT, "r" + round);
                Side vault = new Side(root, github, onedev, destination, MirrorMode.VAULT, "r" + round);
                List<Side> order = round % 2 == 0 ? List.of(exact, vault) : List.of(vault, exact);
                for (Side s : order) {
                    record(costs, full, s);
                }
                for (int step = 0; step < 3; step++) {
                    advance(source, branches, round * 10 + step);
                    for (Side s : order) {
                        record(costs, ff, s);
                    }
                }
                for (Side s : order) {
                    record(costs, noop, s);
                }
                if (exact.archived + vault.archived != 0) {
                    throw new IllegalStateException("a sync without force-pushes archived a tip");
                }
            }
            report(commits, branches, rounds, costs, loadBefore, loadAverage());
        }
    }

    private static void record(Map<String, Map<MirrorMode, List<Cost>>> costs, String phase, Side side) {
        costs.computeIfAbsent(phase, p -> new EnumMap<>(MirrorMode.class))
                .computeIfAbsent(side.mode, m -> new ArrayList<>()).add(side.sync());
    }

    /** One mode's mirror: its own cache and project, synced as a worker syncs a repository into OneDev. */
    private static final class Side {
        private final MirrorMode mode;
        private final GitMirror mirror;
        private final GitHttpServer github;
        private final OneDevStandIn onedev;
        private final Destination destination;
        private final String repoName;
        private Long projectId;
        private int archived;

        Side(Path root, GitHttpServer github, OneDevStandIn onedev, Destination destination, MirrorMode mode,
             String round) {
            this.mode = mode;
            this.github = github;
            this.onedev = onedev;
            this.destination = destination;
            this.repoName = mode.name().toLowerCase(Locale.ROOT) + "-" + round;
            this.mirror = new GitMirror(new GithubProperties(github.baseUri(), null),
                    new MirrorProperties(root.resolve("cache-" + repoName), DataSize.ofGigabytes(10), true,
                            Duration.ofMinutes(5)), HistoryProperties.all(mode));
        }

        Cost sync() {
            RepositoryRow row = new RepositoryRow(1, NAME, "bench", repoName, "main", SyncStatus.IN_PROGRESS, 0, 3,
                    false, false, projectId, "https://github.com/" + NAME, "a benchmark repository", false);
            onedev.clearRequests();
            github.clearRequests();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long process0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            PreparedDestination prepared = destination.prepare(row);
            try (MirrorSession session = mirror.open(NAME)) {
                session.fetch();
                PushOutcome p = session.push(prepared.target(), "main");
                archived += p.archived().size();
                destination.present(prepared, row, session.mirrorsBranch("main") ? "main" : null);
            }
            double wall = (System.nanoTime() - t0) / 1e6;
            double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6;
            double process = (OS.getProcessCpuTime() - process0) / 1e6;
            projectId = prepared.project().orElseThrow().id();
            List<GitHttpServer.Request> seen = onedev.requests();
            int rest = (int) seen.stream().filter(r -> r.path().startsWith("/~api/")).count();
            return new Cost(wall, cpu, process, rest, seen.size() - rest, github.requests().size());
        }
    }

    private static void report(int commits, int branches, int rounds, Map<String, Map<MirrorMode, List<Cost>>> costs,
                               String loadBefore, String loadAfter) {
        System.out.printf("Vault vs exact: %d commits, %d branches, %d rounds interleaved; medians per sync; "
                + "load average before %s, after %s; %d CPUs%n", commits, branches, rounds, loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
        String format = "%-32s %-11s %10s %12s %13s %12s %11s %8s%n";
        System.out.printf(format, "sync", "mode", "wall ms", "thread CPU", "process CPU", "OneDev REST", "OneDev git",
                "GitHub");
        costs.forEach((phase, byMode) -> {
            List<Cost> exact = byMode.get(MirrorMode.EXACT);
            List<Cost> vault = byMode.get(MirrorMode.VAULT);
            row(format, phase, "exact", exact);
            row(format, phase, "vault", vault);
            System.out.printf(format, phase, "vault/exact", ratio(vault, exact, Cost::wallMs),
                    ratio(vault, exact, Cost::threadCpuMs), ratio(vault, exact, Cost::processCpuMs),
                    ratio(vault, exact, c -> c.onedevRest()), ratio(vault, exact, c -> c.onedevGit()),
                    ratio(vault, exact, c -> c.github()));
        });
        System.out.println("n per cell: " + costs.values().stream().map(m -> m.get(MirrorMode.EXACT).size())
                .map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse("0")
                + " (full/fast-forward/no-op); CPU in ms; requests per sync");
    }

    private static void row(String format, String phase, String mode, List<Cost> costs) {
        System.out.printf(format, phase, mode, fmt(median(costs, Cost::wallMs)), fmt(median(costs, Cost::threadCpuMs)),
                fmt(median(costs, Cost::processCpuMs)), fmt(median(costs, c -> c.onedevRest())),
                fmt(median(costs, c -> c.onedevGit())), fmt(median(costs, c -> c.github())));
    }

    private static String ratio(List<Cost> vault, List<Cost> exact, ToDoubleFunction<Cost> metric) {
        double base = median(exact, metric);
        return base == 0 ? "-" : String.format(Locale.ROOT, "%.3f", median(vault, metric) / base);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, value == Math.rint(value) ? "%.0f" : "%.1f", value);
    }

    private static double median(List<Cost> costs, ToDoubleFunction<Cost> metric) {
        double[] sorted = costs.stream().mapToDouble(metric).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", OS.getSystemLoadAverage());
        }
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
