package dev.forgesync.testsupport.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

import dev.forgesync.testsupport.GitHttpServer;

/**
 * GitHub for tests, as its REST documentation (docs.github.com/rest, API version 2022-11-28) describes it, beside
 * git smart HTTP on the same server, laid out like GitHub Enterprise Server: the REST API at
 * {@code <base>/api/v3} and repositories at {@code <base>/<owner>/<repo>.git}.
 *
 * <p>What it serves (see {@link GithubApiServlet} for the documentation each answer follows): repository lists of an
 * organisation, of a user and of a user's stars with {@code Link} pagination ({@code per_page}, at most 100), one
 * repository by name or by id, a 301 for a renamed repository's old name, a 404 for a deleted one, ETags and 304s
 * (not counted against the budget), the primary rate limit ({@code X-RateLimit-*} headers, a 403 once spent, renewed
 * at the reset), secondary limits (403 or 429 with {@code Retry-After}), webhooks, their deliveries and redelivery
 * attempts.
 *
 * <p>A repository's bare git directory is named by its GitHub id, so a rename keeps its content and the old name
 * stops resolving, as on GitHub once the old name's redirect is gone.
 */
public final class GithubApiStandIn implements AutoCloseable {

    /** The API's path on the server, as on GitHub Enterprise Server. */
    public static final String API_PATH = "/api/v3";

    /** A repository as the stand-in keeps it. */
    public record Repo(long id, String owner, String name, boolean fork, boolean archived, boolean isPrivate,
                       String defaultBranch, Instant createdAt) {
        public String fullName() {
            return owner + "/" + name;
        }

        Repo renamed(String newOwner, String newName) {
            return new Repo(id, newOwner, newName, fork, archived, isPrivate, defaultBranch, createdAt);
        }
    }

    /** Options of a new repository. */
    public record RepoOptions(boolean fork, boolean archived, boolean isPrivate) {
        public static final RepoOptions PLAIN = new RepoOptions(false, false, false);
    }

    /** A webhook delivery as {@code GET .../hooks/{id}/deliveries} lists it. */
    public record Delivery(long id, String guid, Instant deliveredAt, boolean redelivery, String status,
                           int statusCode, String event, String action, Long repositoryId) {
    }

    /** A webhook of an organisation ({@code repo == null}) or of a repository. */
    public record Hook(long id, String org, String repo, String url) {
    }

    private final Path root;
    private final String token;
    private final GitHttpServer server;
    private final GithubApiServlet api;
    private final AtomicLong ids = new AtomicLong(1_296_268);
    private final AtomicLong deliveryIds = new AtomicLong(12_345_678);
    private final Map<Long, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, Long> renamedFrom = new ConcurrentHashMap<>();
    private final Map<String, String> accounts = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> stars = new ConcurrentHashMap<>();
    private final Map<Long, Hook> hooks = new ConcurrentHashMap<>();
    private final Map<Long, List<Delivery>> deliveries = new ConcurrentHashMap<>();
    private final List<Delivery> redeliveryAttempts = new CopyOnWriteArrayList<>();
    private volatile Consumer<Delivery> onRedelivery = d -> { };

    private GithubApiStandIn(Path root, String token) {
        this.root = root;
        this.token = token;
        this.api = new GithubApiServlet(this);
        this.server = GitHttpServer.builder(root)
                .authenticator((user, password) -> token != null && token.equals(password))
                .anonymousRead(true)
                .locator(this::locate)
                .servlet(API_PATH + "/*", api)
                .start();
    }

    /**
     * Starts a stand-in keeping repositories under {@code root}. With a {@code token}, the API requires it
     * ({@code Authorization: Bearer <token>} or {@code token <token>}) and git accepts it as the Basic password.
     */
    public static GithubApiStandIn start(Path root, String token) {
        return new GithubApiStandIn(root, token);
    }

    /** {@code http://127.0.0.1:<port>/api/v3}: the value of {@code FORGESYNC_GITHUB_API_URL}. */
    public URI apiUri() {
        return URI.create(server.baseUri() + API_PATH);
    }

    /** {@code http://127.0.0.1:<port>}: the git host (repositories at {@code <base>/<owner>/<repo>.git}). */
    public URI baseUri() {
        return server.baseUri();
    }

    public String token() {
        return token;
    }

    // ---- accounts and repositories ----

    /** Declares an organisation (its repository list answers 200, empty until repositories are created). */
    public void createOrg(String login) {
        accounts.put(login.toLowerCase(), "Organization");
    }

    /** Declares a user. */
    public void createUser(String login) {
        accounts.put(login.toLowerCase(), "User");
    }

    /**
     * Creates {@code owner/name} (its owner a user unless declared an organisation). Its git repository, with one
     * commit on main, is written on first use (a fetch, a commit), so listing hundreds of repositories stays cheap.
     */
    public Repo createRepository(String fullName, RepoOptions options) {
        String[] parts = fullName.split("/", 2);
        accounts.putIfAbsent(parts[0].toLowerCase(), "User");
        long id = ids.incrementAndGet();
        Repo repo = new Repo(id, parts[0], parts[1], options.fork(), options.archived(), options.isPrivate(), "main",
                Instant.now());
        repos.put(id, repo);
        return repo;
    }

    public Repo createRepository(String fullName) {
        return createRepository(fullName, RepoOptions.PLAIN);
    }

    /** Makes {@code user} star {@code fullName} (the newest star is listed first). */
    public void star(String user, String fullName) {
        accounts.putIfAbsent(user.toLowerCase(), "User");
        long id = repository(fullName).orElseThrow().id();
        stars.computeIfAbsent(user.toLowerCase(), u -> new CopyOnWriteArrayList<>()).add(id);
    }

    /** Renames (or transfers) a repository; its old name answers 301 to {@code /repositories/{id}}. */
    public Repo rename(String fullName, String newFullName) {
        Repo repo = repository(fullName).orElseThrow();
        String[] parts = newFullName.split("/", 2);
        accounts.putIfAbsent(parts[0].toLowerCase(), "User");
        Repo renamed = repo.renamed(parts[0], parts[1]);
        repos.put(repo.id(), renamed);
        renamedFrom.put(fullName.toLowerCase(), repo.id());
        return renamed;
    }

    /** Deletes a repository: its API and git URLs answer 404 from now on. */
    public void delete(String fullName) {
        Repo repo = repository(fullName).orElseThrow();
        repos.remove(repo.id());
        renamedFrom.values().removeIf(id -> id == repo.id());
        stars.values().forEach(list -> list.remove(Long.valueOf(repo.id())));
    }

    /**
     * Commits one file on {@code branch} of the repository (created if missing), written straight into the bare
     * repository (no work tree: creating hundreds of repositories stays fast), and returns the new tip.
     */
    public String commit(String fullName, String branch, String file, String content) {
        Repo repo = repository(fullName).orElseThrow();
        ensureGit(repo);
        return write(repo, branch, file, content);
    }

    private String write(Repo repo, String branch, String file, String content) {
        try (Repository git = FileRepositoryBuilder.create(gitDir(repo.id()).toFile());
             ObjectInserter inserter = git.newObjectInserter()) {
            ObjectId parent = git.resolve("refs/heads/" + branch);
            TreeFormatter tree = new TreeFormatter();
            java.util.TreeMap<String, ObjectId[]> entries = new java.util.TreeMap<>();
            if (parent != null) {
                try (RevWalk walk = new RevWalk(git); TreeWalk files = new TreeWalk(git)) {
                    files.addTree(walk.parseCommit(parent).getTree());
                    while (files.next()) {
                        entries.put(files.getNameString(), new ObjectId[] {files.getObjectId(0)});
                    }
                }
            }
            entries.put(file, new ObjectId[] {inserter.insert(Constants.OBJ_BLOB,
                    content.getBytes(java.nio.charset.StandardCharsets.UTF_8))});
            entries.forEach((name, id) -> tree.append(name, FileMode.REGULAR_FILE, id[0]));
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(tree));
            if (parent != null) {
                commit.setParentId(parent);
            }
            PersonIdent octocat = new PersonIdent("octocat", "octocat@github.com");
            commit.setAuthor(octocat);
            commit.setCommitter(octocat);
            commit.setMessage("change " + file + "\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = git.updateRef("refs/heads/" + branch);
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            update.update();
            return id.getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Repo> repository(String fullName) {
        return repos.values().stream().filter(r -> r.fullName().equalsIgnoreCase(fullName)).findFirst();
    }

    // ---- hooks and deliveries ----

    /** Registers a webhook on an organisation ({@code repoFullName == null}) or a repository; returns its id. */
    public long createHook(String org, String repoFullName, String url) {
        long id = ids.incrementAndGet();
        hooks.put(id, new Hook(id, org, repoFullName, url));
        deliveries.put(id, new CopyOnWriteArrayList<>());
        return id;
    }

    /** Records a delivery GitHub made (status {@code OK} for 2xx, else e.g. {@code "Invalid HTTP Response: 503"}). */
    public Delivery recordDelivery(long hookId, String guid, Instant deliveredAt, int statusCode, String event,
                                   String action, Long repositoryId) {
        String status = statusCode >= 200 && statusCode < 300 ? "OK" : "Invalid HTTP Response: " + statusCode;
        Delivery d = new Delivery(deliveryIds.incrementAndGet(), guid, deliveredAt, false, status, statusCode, event,
                action, repositoryId);
        deliveries.get(hookId).add(d);
        return d;
    }

    /** Called for each redelivery attempt GitHub accepts (e.g. to POST the delivery to ingest-service). */
    public void onRedelivery(Consumer<Delivery> action) {
        this.onRedelivery = action;
    }

    /** Every redelivery asked for, in order (the original deliveries). */
    public List<Delivery> redeliveryAttempts() {
        return List.copyOf(redeliveryAttempts);
    }

    // ---- limits, faults and the request log ----

    /** Sets the primary rate limit: the budget, what remains of it, and when it is renewed. */
    public void rateLimit(int limit, int remaining, Instant reset) {
        api.rateLimit(limit, remaining, reset);
    }

    /** The next {@code times} REST requests answer {@code status} (403 or 429) with {@code Retry-After}. */
    public void secondaryLimit(int status, int retryAfterSeconds, int times) {
        api.secondaryLimit(status, retryAfterSeconds, times);
    }

    /** REST requests answered so far (method, path and query, status), in order. */
    public List<GithubApiServlet.Exchange> apiRequests() {
        return api.exchanges();
    }

    public void clearApiRequests() {
        api.clearExchanges();
    }

    /** Every request the server saw, REST and git, in order. */
    public List<GitHttpServer.Request> requests() {
        return server.requests();
    }

    /** Holds every request (REST and git) this long before serving it: GitHub's latency from afar. */
    public void delay(java.time.Duration delay) {
        server.delay(delay);
    }

    /** Every request (REST and git) answers {@code status} until 0 is set. */
    public void failEverythingWith(int status) {
        server.failWith(status);
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- what the servlet reads ----

    String accountType(String login) {
        return accounts.get(login.toLowerCase());
    }

    List<Repo> ownedBy(String login) {
        return repos.values().stream().filter(r -> r.owner().equalsIgnoreCase(login)).toList();
    }

    /** The user's starred repositories, most recently starred first (GitHub's default: sort=created, desc). */
    List<Repo> starredBy(String login) {
        List<Long> ids = new ArrayList<>(stars.getOrDefault(login.toLowerCase(), List.of()));
        java.util.Collections.reverse(ids);
        return ids.stream().map(repos::get).filter(java.util.Objects::nonNull).toList();
    }

    Optional<Repo> byId(long id) {
        return Optional.ofNullable(repos.get(id));
    }

    Optional<Long> renamedId(String oldFullName) {
        return Optional.ofNullable(renamedFrom.get(oldFullName.toLowerCase())).filter(repos::containsKey);
    }

    Optional<Hook> hook(long id) {
        return Optional.ofNullable(hooks.get(id));
    }

    List<Hook> hooksOf(String org, String repoFullName) {
        return hooks.values().stream()
                .filter(h -> repoFullName == null ? h.repo() == null && h.org().equalsIgnoreCase(org)
                        : repoFullName.equalsIgnoreCase(h.repo()))
                .sorted(Comparator.comparingLong(Hook::id)).toList();
    }

    /** Deliveries of a hook, newest first (as GitHub lists them). */
    List<Delivery> deliveriesOf(long hookId) {
        List<Delivery> list = new ArrayList<>(deliveries.getOrDefault(hookId, List.of()));
        list.sort(Comparator.comparing(Delivery::deliveredAt).reversed());
        return list;
    }

    /** A redelivery attempt: GitHub records a new delivery with {@code redelivery: true} and sends it. */
    Delivery redeliver(long hookId, Delivery original) {
        Delivery again = new Delivery(deliveryIds.incrementAndGet(), original.guid(), Instant.now(), true, "OK", 200,
                original.event(), original.action(), original.repositoryId());
        deliveries.get(hookId).add(again);
        redeliveryAttempts.add(original);
        onRedelivery.accept(original);
        return again;
    }

    boolean acceptsToken(String candidate) {
        return token == null || token.equals(candidate);
    }

    boolean requiresToken() {
        return token != null;
    }

    private Optional<Path> locate(String name) {
        String clean = name.replaceAll("/+$", "").replaceAll("\\.git$", "");
        return repository(clean).map(r -> {
            ensureGit(r);
            return gitDir(r.id());
        });
    }

    /** The repository's bare directory with a first commit on main, written once. */
    private synchronized void ensureGit(Repo repo) {
        if (Files.isDirectory(gitDir(repo.id()).resolve("objects"))) {
            return;
        }
        createBare(repo.id());
        write(repo, repo.defaultBranch(), "README.md", "# " + repo.name() + "\n");
    }

    private Path gitDir(long id) {
        return root.resolve("repos").resolve(id + ".git");
    }

    private void createBare(long id) {
        Path dir = gitDir(id);
        try {
            Files.createDirectories(dir.getParent());
            try (Repository repo = FileRepositoryBuilder.create(dir.toFile())) {
                repo.create(true);
                repo.getRefDatabase().newUpdate("HEAD", false).link("refs/heads/main");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
