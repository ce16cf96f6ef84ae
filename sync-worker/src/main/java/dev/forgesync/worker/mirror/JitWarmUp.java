package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.transport.URIish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.worker.config.GitProperties;
import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;
import dev.forgesync.worker.config.MirrorProperties;

/**
 * One first mirror of a generated repository, through the code a real one takes ({@link MirrorSession#fetch()} into
 * a cache, then {@link MirrorSession#push(PushTarget, String)} into an empty destination), over JGit's in-process
 * transport: the worker runs it once at start-up, before its actuator answers and before it takes its first request
 * ({@code forgesync.git.warm-up-commits}, 0 turns it off).
 *
 * <p>Why (docs/benchmarks.md, "End to end", issue 14): a fresh worker JVM mirrored gson in 7.0 s, then 3.8 and 3.3 s,
 * where the same code on a JVM that had already run it took 2.6 s: JGit's pack parsing, delta resolution, object
 * walks and pack writing run interpreted until the JIT compiler has seen them often enough. The generated history
 * has what those loops need to be compiled: thousands of commits over nested trees, blobs that change a little each
 * time (so the source's pack carries deltas that the fetch resolves), and annotated tags.
 */
@Component
public final class JitWarmUp implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JitWarmUp.class);
    /**
     * Before Boot's web server (SmartLifecycle.DEFAULT_PHASE - 1024: the actuator answers only once the worker is
     * warm) and the Kafka listener containers (DEFAULT_PHASE - 100).
     */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private static final PersonIdent WHO = new PersonIdent("forgesync warm-up", "warm-up@forgesync.invalid", 0L, 0);
    private static final int DIRECTORIES = 12;
    private static final int FILES_PER_DIRECTORY = 16;
    private static final int LINES = 60;
    private static final String NAME = "warm-up/generated";

    /** What one warm-up did: the refs mirrored (branches and tags, fetched and pushed) and how long it took. */
    public record Result(int commits, int refs, long millis) {
    }

    private final int commits;
    private final MirrorProperties properties;
    private volatile boolean running;

    private final WorkFolder folder;

    @Autowired
    public JitWarmUp(GitProperties git, MirrorProperties properties) {
        this(git, properties, () -> Files.createTempDirectory("forgesync-warm-up-"));
    }

    JitWarmUp(GitProperties git, MirrorProperties properties, WorkFolder folder) {
        this.commits = git.warmUpCommits();
        this.properties = properties;
        this.folder = folder;
    }

    /** Where a warm-up works: a new empty folder, deleted afterwards. */
    interface WorkFolder {
        Path create() throws IOException;
    }

    /**
     * Runs the warm-up once, on the starting thread, unless {@code forgesync.git.warm-up-commits} is 0. A failure is
     * logged and the worker starts anyway: the warm-up only makes the first syncs faster.
     */
    @Override
    public void start() {
        running = true;
        if (commits <= 0) {
            return;
        }
        Path work = null;
        try {
            work = folder.create();
            Result result = run(work, commits, properties);
            log.info("JGit warmed up in {} ms: a generated repository of {} commits and {} refs fetched and pushed "
                    + "once before the first sync", result.millis(), result.commits(), result.refs());
        } catch (IOException | RuntimeException e) {
            log.warn("JGit warm-up failed ({}); the first syncs run on a cold JVM", e.toString());
        } finally {
            if (work != null) {
                FileSystemUtils.deleteRecursively(work.toFile());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Generates a repository of {@code commits} commits in {@code work} (an empty folder: {@code source.git}), fetches
     * it into a cache there ({@code caches/}) and pushes the cache into an empty {@code destination.git}.
     */
    public static Result run(Path work, int commits, MirrorProperties properties) throws IOException {
        long start = System.nanoTime();
        Path source = work.resolve("source.git");
        generate(source, commits);
        MirrorCache cache = new MirrorCache(work.resolve("caches"), Long.MAX_VALUE);
        MirrorCache.Lease lease = cache.use(NAME);
        int refs;
        try (MirrorSession session = new MirrorSession(NAME, new URIish(source.toAbsolutePath().toString()),
                new SourceCredentials(GithubCredentials.anonymous(), NAME), GitMirror.openOrInitBare(lease.dir),
                lease, cache, properties, List.of(HistoryProperties.all(MirrorMode.EXACT)))) {
            session.fetch();
            refs = session.push(PushTarget.local(work.resolve("destination.git")), "main").refsUpdated();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        return new Result(commits, refs, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * {@code commits} commits on {@code main}, each changing two lines of two files in two directories, a branch every
     * 500 commits and an annotated tag every 100; written as one pack of whole objects (loose objects, a file
     * each, took seconds), so the fetch's pack writer searches for the deltas.
     */
    static void generate(Path dir, int commits) throws IOException {
        Random random = new Random(42);
        String[][][] files = new String[DIRECTORIES][FILES_PER_DIRECTORY][LINES];
        ObjectId[][] blobs = new ObjectId[DIRECTORIES][FILES_PER_DIRECTORY];
        ObjectId[] trees = new ObjectId[DIRECTORIES];
        Map<String, ObjectId> refs = new TreeMap<>();
        try (Repository repo = GitMirror.openOrInitBare(dir);
             ObjectInserter inserter = ((FileRepository) repo).getObjectDatabase().newPackInserter()) {
            for (int d = 0; d < DIRECTORIES; d++) {
                for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                    for (int l = 0; l < LINES; l++) {
                        files[d][f][l] = line(random);
                    }
                    blobs[d][f] = blob(inserter, files[d][f]);
                }
                trees[d] = tree(inserter, blobs[d]);
            }
            ObjectId parent = null;
            for (int c = 0; c < commits; c++) {
                if (c > 0) {
                    for (int change = 0; change < 2; change++) {
                        int d = random.nextInt(DIRECTORIES);
                        int f = random.nextInt(FILES_PER_DIRECTORY);
                        files[d][f][random.nextInt(LINES)] = line(random);
                        files[d][f][random.nextInt(LINES)] = line(random);
                        blobs[d][f] = blob(inserter, files[d][f]);
                        trees[d] = tree(inserter, blobs[d]);
                    }
                }
                TreeFormatter root = new TreeFormatter();
                for (int d = 0; d < DIRECTORIES; d++) {
                    root.append(String.format("module%02d", d), FileMode.TREE, trees[d]);
                }
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(inserter.insert(root));
                if (parent != null) {
                    commit.setParentId(parent);
                }
                commit.setAuthor(WHO);
                commit.setCommitter(WHO);
                commit.setMessage("change " + c + "\n");
                parent = inserter.insert(commit);
                if (c % 100 == 99) {
                    TagBuilder tag = new TagBuilder();
                    tag.setObjectId(parent, Constants.OBJ_COMMIT);
                    tag.setTag("v" + c);
                    tag.setTagger(WHO);
                    tag.setMessage("release " + c + "\n");
                    refs.put(Constants.R_TAGS + "v" + c, inserter.insert(tag));
                }
                if (c % 500 == 499) {
                    refs.put(Constants.R_HEADS + "maintenance-" + c, parent);
                }
            }
            refs.put(Constants.R_HEADS + "main", parent);
            inserter.flush();
            for (Map.Entry<String, ObjectId> ref : refs.entrySet()) {
                setRef(repo, ref.getKey(), ref.getValue());
            }
            RefUpdate head = repo.updateRef(Constants.HEAD);
            head.link(Constants.R_HEADS + "main");
        }
    }

    private static String line(Random random) {
        StringBuilder line = new StringBuilder(48);
        for (int i = 0; i < 6; i++) {
            line.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36)).append(' ');
        }
        return line.append('\n').toString();
    }

    private static ObjectId blob(ObjectInserter inserter, String[] lines) throws IOException {
        return inserter.insert(Constants.OBJ_BLOB, String.join("", lines).getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectId tree(ObjectInserter inserter, ObjectId[] blobs) throws IOException {
        TreeFormatter tree = new TreeFormatter();
        for (int f = 0; f < blobs.length; f++) {
            tree.append(String.format("File%02d.java", f), FileMode.REGULAR_FILE, blobs[f]);
        }
        return inserter.insert(tree);
    }

    private static void setRef(Repository repo, String name, ObjectId id) throws IOException {
        RefUpdate update = repo.updateRef(name);
        update.setNewObjectId(id);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED) {
            throw new IOException("could not set " + name + ": " + result);
        }
    }
}
