package dev.forgesync.testsupport.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

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
import dev.forgesync.testsupport.Webhooks;

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

    /** An installation access token the stand-in issued to a GitHub App (its text shown only by {@link #value()}). */
    public record AppToken(String value, long installation, Instant expiresAt) {
        @Override
        public String toString() {
            return "AppToken[installation=" + installation + ", expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * Who a REST request authenticates as: nobody, the configured token (the owner of every account here), another
     * {@code user}'s token ({@link #userToken}), an App (by its JWT) or an installation (by its access token);
     * {@code refusal} is GitHub's message when the credentials are refused (401).
     */
    record Caller(boolean token, String user, Long appId, GithubApps.Installation installation, String refusal) {
        static final Caller ANONYMOUS = new Caller(false, null, null, null, null);
        static final Caller TOKEN = new Caller(true, null, null, null, null);

        static Caller refused(String message) {
            return new Caller(false, null, null, null, message);
        }

        /**
         * What GitHub shows this caller: public repositories, and private ones its token, its user or its
         * installation reaches.
         */
        boolean sees(Repo repo) {
            return !repo.isPrivate() || token || repo.owner().equalsIgnoreCase(user)
                    || (installation != null && installation.covers(repo));
        }
    }

    /**
     * A webhook of an organisation ({@code repo == null}) or of a repository; with a {@code secret}, what it sends is
     * signed ({@code X-Hub-Signature-256}).
     */
    public record Hook(long id, String org, String repo, String url, String secret) {
        @Override
        public String toString() {
            return "Hook[id=" + id + ", org=" + org + ", repo=" + repo + ", url=" + url + "]";
        }
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
    private final Map<String, String> userTokens = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> stars = new ConcurrentHashMap<>();
    private final Map<Long, Hook> hooks = new ConcurrentHashMap<>();
    private final Map<Long, List<Delivery>> deliveries = new ConcurrentHashMap<>();
    private final Map<Long, byte[]> payloads = new ConcurrentHashMap<>();
    private final List<Delivery> redeliveryAttempts = new CopyOnWriteArrayList<>();
    private final GithubApps apps = new GithubApps();
    private final HttpClient hookshot = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GithubApiStandIn(Path root, String token, int port) {
        this.root = root;
        this.token = token;
        this.api = new GithubApiServlet(this);
        this.server = GitHttpServer.builder(root).port(port)
                .authenticator((user, password) -> acceptsGitPassword(password))
                .anonymousRead(true)
                .readAccess(this::gitRefusal)
                .locator(this::locate)
                .servlet(API_PATH + "/*", api)
                .start();
    }

    /**
     * Starts a stand-in keeping repositories under {@code root}. With a {@code token}, the API requires it
     * ({@code Authorization: Bearer <token>} or {@code token <token>}) and git accepts it as the Basic password.
     */
    public static GithubApiStandIn start(Path root, String token) {
        return start(root, token, 0);
    }

    /** The same on a given loopback {@code port} (0: any free one), for a demo whose services are told the address. */
    public static GithubApiStandIn start(Path root, String token, int port) {
        return new GithubApiStandIn(root, token, port);
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
     * Accepts {@code token} as a personal access token of {@code login} (declared a user): not the owner of the
     * organisations here, so it sees public repositories and its own, and no organisation's webhooks.
     */
    public void userToken(String login, String token) {
        accounts.putIfAbsent(login.toLowerCase(), "User");
        userTokens.put(token, login);
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

    // ---- GitHub Apps ----

    /** Registers a GitHub App: JWTs whose {@code iss} is {@code appId} must be signed by {@code publicKey}. */
    public void registerApp(long appId, java.security.interfaces.RSAPublicKey publicKey) {
        apps.register(appId, publicKey);
    }

    /**
     * Installs the App on an account with all its repositories and the permissions {@code contents: read} and
     * {@code metadata: read}; returns the installation id.
     */
    public long installApp(long appId, String account) {
        return apps.install(appId, account, java.util.Set.of(), GithubApps.DEFAULT_PERMISSIONS).id();
    }

    /** Installs the App on an account with only the named repositories ({@code owner/name}); returns its id. */
    public long installApp(long appId, String account, String... repositories) {
        return apps.install(appId, account, java.util.Set.of(repositories), GithubApps.DEFAULT_PERMISSIONS).id();
    }

    /**
     * Installs the App on an account with all its repositories and exactly these permissions (GitHub's names and
     * levels, e.g. {@code contents: read}, {@code organization_hooks: write}; {@code metadata: read} is always
     * granted); returns the installation id.
     */
    public long installApp(long appId, String account, Map<String, String> permissions) {
        return apps.install(appId, account, java.util.Set.of(), permissions).id();
    }

    /** How long installation access tokens issued from now on live (GitHub: one hour). */
    public void appTokenLifetime(java.time.Duration lifetime) {
        apps.tokenLifetime(lifetime);
    }

    /** Every installation access token issued so far, in order. */
    public List<AppToken> issuedAppTokens() {
        return apps.issued();
    }

    // ---- hooks and deliveries ----

    /**
     * Registers a webhook on an organisation ({@code repoFullName == null}; an unknown one becomes an organisation
     * account) or a repository; returns its id.
     */
    public long createHook(String org, String repoFullName, String url) {
        return createHook(org, repoFullName, url, null);
    }

    /** Registers a webhook whose deliveries are signed with {@code secret} (its {@code config.secret}). */
    public long createHook(String org, String repoFullName, String url, String secret) {
        long id = ids.incrementAndGet();
        if (repoFullName == null) {
            accounts.putIfAbsent(org.toLowerCase(), "Organization");
        }
        hooks.put(id, new Hook(id, org, repoFullName, url, secret));
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

    /**
     * Records a delivery GitHub made of {@code payload} (a failed one: the endpoint was down, say). A redelivery
     * attempt then really sends it again to the hook's URL: the same payload and {@code X-GitHub-Delivery}.
     */
    public Delivery recordDelivery(long hookId, String guid, Instant deliveredAt, int statusCode, String event,
                                   Long repositoryId, byte[] payload) {
        Delivery d = recordDelivery(hookId, guid, deliveredAt, statusCode, event, null, repositoryId);
        payloads.put(d.id(), payload.clone());
        return d;
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

    /**
     * A redelivery attempt: a new attempt of the same delivery (docs.github.com, "Redelivering webhooks"). When the
     * original's payload is known, it is POSTed again to the hook's URL with the same {@code X-GitHub-Delivery},
     * event and body, signed with the hook's secret, and the attempt is recorded with the answer's status (GitHub
     * queues it and answers 202; the stand-in sends it before answering, so a listing right after sees it). A
     * delivery recorded without a payload is only recorded again, as {@code OK}.
     */
    Delivery redeliver(long hookId, Delivery original) {
        redeliveryAttempts.add(original);
        byte[] payload = payloads.get(original.id());
        int status = payload == null ? 200 : send(hooks.get(hookId), original, payload);
        String text = status >= 200 && status < 300 ? "OK" : "Invalid HTTP Response: " + status;
        Delivery again = new Delivery(deliveryIds.incrementAndGet(), original.guid(), Instant.now(), true, text,
                status, original.event(), original.action(), original.repositoryId());
        deliveries.get(hookId).add(again);
        payloads.put(again.id(), payload == null ? new byte[0] : payload);
        return again;
    }

    GithubApps apps() {
        return apps;
    }

    /** POSTs a delivery as GitHub's hookshot does (docs.github.com, "Webhook events and payloads": headers). */
    private int send(Hook hook, Delivery delivery, byte[] payload) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hook.url()))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/standin")
                .header("X-GitHub-Event", delivery.event())
                .header("X-GitHub-Delivery", delivery.guid())
                .header("X-GitHub-Hook-ID", Long.toString(hook.id()))
                .header("X-GitHub-Hook-Installation-Target-Type", hook.repo() == null ? "organization" : "repository")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (hook.secret() != null) {
            request.header("X-Hub-Signature-256", Webhooks.sign(hook.secret(), payload));
        }
        try {
            return hookshot.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 502;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 502;
        }
    }

    /**
     * The caller of a REST request from its {@code Authorization} header ({@code Bearer} or {@code token}): the
     * configured token, an installation access token, or a JWT (three dot-separated parts). Without a configured
     * token or a registered App, any token is taken (the stand-in then checks nothing, as before Apps existed).
     */
    Caller caller(String authorization) {
        if (authorization == null) {
            return token == null ? Caller.ANONYMOUS : Caller.refused("Bad credentials");
        }
        String lower = authorization.toLowerCase(java.util.Locale.ROOT);
        String candidate = lower.startsWith("bearer ") ? authorization.substring(7).trim()
                : lower.startsWith("token ") ? authorization.substring(6).trim() : "";
        if (userTokens.containsKey(candidate)) {
            return new Caller(false, userTokens.get(candidate), null, null, null);
        }
        if (candidate.equals(token) || (token == null && !apps.any() && !candidate.isEmpty())) {
            return Caller.TOKEN;
        }
        if (candidate.chars().filter(c -> c == '.').count() == 2) {
            GithubApps.JwtCheck jwt = apps.check(candidate);
            return jwt.appId() != null ? new Caller(false, null, jwt.appId(), null, null)
                    : Caller.refused(jwt.refusal());
        }
        return apps.installationOfToken(candidate).map(i -> new Caller(false, null, null, i, null))
                .orElseGet(() -> Caller.refused("Bad credentials"));
    }

    private boolean acceptsGitPassword(String password) {
        return (token != null && token.equals(password)) || apps.installationOfToken(password).isPresent();
    }

    /**
     * A private repository over git: 401 without credentials (GitHub asks for them), 404 to credentials that do not
     * reach it (GitHub's "Repository not found"), 0 (served) otherwise.
     */
    private int gitRefusal(String path, String password) {
        String name = path.replaceFirst("^/+", "").replaceFirst("/(info/refs|git-upload-pack|git-receive-pack)$", "")
                .replaceFirst("\\.git$", "");
        Optional<Repo> repo = repository(name);
        if (repo.isEmpty() || !repo.get().isPrivate()) {
            return 0;
        }
        if (password == null) {
            return 401;
        }
        boolean reaches = (token != null && token.equals(password))
                || apps.installationOfToken(password).filter(i -> i.covers(repo.get())).isPresent();
        return reaches ? 0 : 404;
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
