package dev.forgesync.worker.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.springframework.util.FileSystemUtils;
import org.springframework.util.unit.DataSize;

import dev.forgesync.testsupport.bench.RealRepository;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.MirrorProperties;
import dev.forgesync.worker.mirror.FetchOutcome;
import dev.forgesync.worker.mirror.GitMirror;
import dev.forgesync.worker.mirror.MirrorSession;
import dev.forgesync.worker.mirror.PushOutcome;
import dev.forgesync.worker.mirror.PushGuard;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.mirror.RelayDestination;

/**
 * Not a test: the worker's mirror code against the git command line, fetch and push apart, both over smart HTTP
 * through the same servers (the GitHub and OneDev stand-ins, in a JVM of their own). Run with
 * {@code sync-worker/bench/run-bench.sh}: arguments commits (default 3000, for the generated repository) and runs
 * (default 3); {@code BENCH_REPO=<bare dir>} measures that repository instead of a generated one.
 *
 * <p>The git CLI baseline is what {@code git clone --mirror} + {@code git push --mirror} do, restricted to the
 * namespaces the worker mirrors: {@code git init --bare} + {@code git fetch --prune} of {@code +refs/heads/*} and
 * {@code +refs/tags/*}, then {@code git push --force} of the same refspecs (a real source also advertises
 * {@code refs/pull/*} or {@code refs/changes/*}, which {@code --mirror} would copy and the worker never does).
 */
public final class MirrorBenchmark {

    private static final String TOKEN = "bench-token-0123456789";
    private static final String NAME = "bench/big";

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String real = System.getenv("BENCH_REPO");
        int warmups = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "1"));
        Path root = Files.createTempDirectory("forgesync-bench");
        try (BenchServers servers = BenchServers.start(root, TOKEN,
                System.getenv().getOrDefault("BENCH_SERVER_HEAP", "3g"))) {
            Path source = root.resolve("github").resolve(NAME + ".git");
            describe(source, real, commits);
            Bench bench = new Bench(root, servers, source);

            for (int i = 0; i < warmups; i++) {
                bench.cli("warmup-cli" + i);
                bench.worker("warmup-worker" + i, true);
            }
            List<Step> cli = new ArrayList<>();
            List<Step> worker = new ArrayList<>();
            List<Step> relayed = new ArrayList<>();
            long peakRss = 0;
            long relayedPeakRss = 0;
            for (int i = 0; i < runs; i++) {
                cli.add(bench.cli("cli" + i));
                resetPeakRss();
                worker.add(bench.worker("worker" + i, false));
                peakRss = Math.max(peakRss, peakRss());
                resetPeakRss();
                relayed.add(bench.relayed("relayed" + i));
                relayedPeakRss = Math.max(relayedPeakRss, peakRss());
            }
            report(runs, cli, worker, peakRss);
            System.out.printf("first mirror relayed as a sync runs it (FirstMirrorRelay: fetch and push in one pass),"
                            + " median of %d: %.2f s, ratio to git CLI %.2f; all runs %s; peak RSS %d MB%n", runs,
                    median(relayed, Step::total), median(relayed, Step::total) / median(cli, Step::total),
                    totals(relayed), relayedPeakRss / 1024);

            // Incremental: a realistic push of 5 commits touching 20 files on the default branch.
            String branch = BenchSource.defaultBranch(source);
            String before = BenchSource.git(source, "rev-parse", branch).trim();
            BenchSource.appendCommits(source, 5, 4, 7);
            String after = BenchSource.git(source, "rev-parse", branch).trim();
            long thinPack = BenchSource.thinPackSize(source, after, before);
            Step inc = bench.worker("worker0", false);
            System.out.printf("incremental (5 commits, 20 new files): git thin pack %d bytes; worker fetched %d bytes,"
                            + " pushed %d bytes; push/thin = %.2f, fetch/thin = %.2f%n", thinPack, inc.fetched,
                    inc.pushed, inc.pushed / (double) thinPack, inc.fetched / (double) thinPack);

            // As the worker runs: the ls-refs probe (SourceProbe) answers a no-op in one POST, whatever the protocol
            // the cache fetches with.
            noop(bench, servers, runs, "as chosen (ls-refs probe; fetches with " + bench.protocol("worker0") + ")");
            // Without the probe (as for a source that refused it), JGit's fetch lists the refs: the two protocols
            // side by side on the same cache, for the choice in SourceProtocol.
            bench.config("worker0", "forgesync.noopProbe", "false");
            for (String version : List.of("0", "2")) {
                bench.config("worker0", "protocol.version", version);
                noop(bench, servers, runs, "without the probe, protocol v" + version);
            }
        } finally {
            FileSystemUtils.deleteRecursively(root);
        }
    }

    /** No-op syncs of the cache worker0 (nothing changed upstream): time, bytes read from the source, requests. */
    private static void noop(Bench bench, BenchServers servers, int runs, String label) throws Exception {
        List<Double> times = new ArrayList<>();
        long pushed = 0;
        long fetched = 0;
        BenchServers.Counts counts = null;
        for (int i = 0; i < Math.max(3, runs); i++) {
            servers.clear();
            Step r = bench.worker("worker0", false);
            counts = servers.count();
            times.add(r.total() * 1000);
            pushed += r.pushed;
            fetched = r.fetched;
        }
        System.out.printf("no-op sync, %s: median %.0f ms %s, %d bytes read from the source, bytes pushed %d;"
                        + " requests per sync: %d to the source (%d POST upload-pack: the probe's or v2's ls-refs, or a pack),"
                        + " %d to OneDev (%d receive-pack)%n",
                label, median(times), rounded(times), fetched, pushed, counts.source(), counts.sourcePacks(),
                counts.destination(), counts.destinationPacks());
    }

    private static void describe(Path source, String real, int commits) throws Exception {
        long t0 = System.nanoTime();
        if (real == null) {
            BenchSource.generate(source, commits);
            System.out.printf("repository: generated, %d commits (%.1f s to generate)%n", commits,
                    (System.nanoTime() - t0) / 1e9);
        } else {
            Path dir = Path.of(real).toAbsolutePath();
            List<String> left = RealRepository.overlay(dir, source);
            System.out.printf("repository: %s, %.1f MiB of packs%n", dir,
                    bytesUnder(dir.resolve("objects")) / 1048576.0);
            if (!left.isEmpty()) {
                System.out.printf("  left out (reach objects the copy lacks): %s%n", left);
            }
        }
        Map<String, Integer> refs = new TreeMap<>();
        for (String ref : BenchSource.git(source, "for-each-ref", "--format=%(refname)").split("\n")) {
            if (!ref.isBlank()) {
                refs.merge(ref.replaceFirst("^(refs/[^/]+/).*", "$1*"), 1, Integer::sum);
            }
        }
        String objects = BenchSource.git(source, "rev-list", "--objects", "--count", "--branches", "--tags").trim();
        System.out.printf("  served refs %s; %s objects reachable from branches and tags; default %s%n", refs,
                objects, BenchSource.defaultBranch(source));
        System.out.printf("  machine: %d cores, load %s; worker JVM %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim(),
                String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    }

    private static void report(int runs, List<Step> cli, List<Step> worker, long peakRss) {
        System.out.printf("first mirror, median of %d (s):   fetch    push   total%n", runs);
        row("worker", worker);
        row("git CLI", cli);
        System.out.printf("  %-26s %7.2f %7.2f %7.2f%n", "ratio worker / git",
                median(worker, Step::fetch) / median(cli, Step::fetch),
                median(worker, Step::push) / median(cli, Step::push),
                median(worker, Step::total) / median(cli, Step::total));
        System.out.printf("  all runs: worker %s, git CLI %s%n", totals(worker), totals(cli));
        System.out.printf("  worker peak RSS during a first mirror: %d MB; pushed %d bytes, fetched %d bytes%n",
                peakRss / 1024, worker.get(0).pushed, worker.get(0).fetched);
    }

    private static void row(String name, List<Step> steps) {
        System.out.printf("  %-26s %7.2f %7.2f %7.2f%n", name, median(steps, Step::fetch), median(steps, Step::push),
                median(steps, Step::total));
    }

    private record Step(double fetch, double push, double total, long fetched, long pushed) {
    }

    private static final class Bench {
        private final Path root;
        private final BenchServers servers;
        private final URI source;

        Bench(Path root, BenchServers servers, Path sourceDir) {
            this.root = root;
            this.servers = servers;
            this.source = URI.create(servers.github + "/" + NAME + ".git");
        }

        /** The worker's mirror code, a fresh GitMirror per sync as a worker has per process; {@code drop} deletes the cache. */
        Step worker(String name, boolean drop) throws Exception {
            URI target = servers.project(name);
            Path cacheDir = root.resolve("cache-" + name);
            GitMirror mirror = new GitMirror(new GithubProperties(servers.github, null),
                    new MirrorProperties(cacheDir, DataSize.ofGigabytes(10), false, Duration.ofMinutes(5)));
            long t0 = System.nanoTime();
            double fetch;
            double push;
            FetchOutcome f;
            PushOutcome p;
            try (MirrorSession session = mirror.open(NAME)) {
                f = session.fetch();
                long t1 = System.nanoTime();
                fetch = (t1 - t0) / 1e9;
                p = session.push(PushTarget.http(target, "bench", TOKEN), f.defaultBranch());
                push = (System.nanoTime() - t1) / 1e9;
            }
            Step step = new Step(fetch, push, (System.nanoTime() - t0) / 1e9, f.bytesFetched(), p.bytesPushed());
            if (drop) {
                FileSystemUtils.deleteRecursively(cacheDir);
            }
            return step;
        }

        /**
         * A first mirror as a sync runs it: the fetch relays the pack to the empty project as it arrives
         * (MirrorSession#fetch(RelayDestination)), then the push step sends what is left (nothing); fetch is the
         * relay, push the push step. The cache is dropped afterwards.
         */
        Step relayed(String name) throws Exception {
            PushTarget target = PushTarget.http(servers.project(name), "bench", TOKEN);
            Path cacheDir = root.resolve("cache-" + name);
            GitMirror mirror = new GitMirror(new GithubProperties(servers.github, null),
                    new MirrorProperties(cacheDir, DataSize.ofGigabytes(10), false, Duration.ofMinutes(5)));
            RelayDestination relayTo = new RelayDestination() {
                @Override
                public java.util.Optional<PushTarget> prepare() {
                    return java.util.Optional.of(target);
                }

                @Override
                public PushGuard guard() {
                    return PushGuard.NONE;
                }
            };
            long t0 = System.nanoTime();
            FetchOutcome f;
            PushOutcome p;
            double fetch;
            try (MirrorSession session = mirror.open(NAME)) {
                f = session.fetch(relayTo);
                long t1 = System.nanoTime();
                fetch = (t1 - t0) / 1e9;
                p = session.push(target, f.defaultBranch());
            }
            double total = (System.nanoTime() - t0) / 1e9;
            if (!f.relayed()) {
                throw new IllegalStateException("the first mirror of " + name + " was not relayed");
            }
            FileSystemUtils.deleteRecursively(cacheDir);
            return new Step(fetch, total - fetch, total, f.bytesFetched(), p.bytesPushed());
        }

        /** The protocol the cache of {@code name} remembers for its source ({@code protocol.version}), or v0. */
        String protocol(String name) throws Exception {
            Path config = cache(name);
            String stored = RealRepository.run(root, Map.of(), "git", "config", "-f", config.toString(), "--default",
                    "0", "protocol.version").trim();
            return "v" + stored;
        }

        /** Sets a key of the cache of {@code name}'s config, as an operator could. */
        void config(String name, String key, String value) throws Exception {
            RealRepository.run(root, Map.of(), "git", "config", "-f", cache(name).toString(), key, value);
        }

        private Path cache(String name) {
            return root.resolve("cache-" + name).resolve(NAME + ".git").resolve("config");
        }

        /** The git command line's mirror through the same servers ({@link RealRepository#cliMirror}). */
        Step cli(String name) throws Exception {
            RealRepository.Timing t = RealRepository.cliMirror(source, servers.project(name), "bench", TOKEN,
                    root.resolve("cli-" + name + ".git"));
            return new Step(t.fetch(), t.push(), t.total(), 0, 0);
        }
    }

    /** Resets this process's VmHWM (Linux: "5" to clear_refs), so the next reading is the peak from now on. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            // not Linux: the peak is then the process's whole-life peak
        }
    }

    /** VmHWM of this process in kB. */
    private static long peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static double median(List<Step> steps, Function<Step, Double> f) {
        return median(steps.stream().map(f).toList());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String totals(List<Step> steps) {
        return rounded(steps.stream().map(Step::total).toList()).toString();
    }

    private static List<String> rounded(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).toList();
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private MirrorBenchmark() {
    }
}
