package dev.forgesync.testsupport.onedev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import dev.forgesync.testsupport.GitHttpServer;

/**
 * A OneDev server as /work/shared/onedev-api.md describes it (16.5.x), for tests: the project REST API at
 * {@code /~api/*} and git smart HTTP at {@code /<path>.git} or {@code /<path>} (case-insensitive), both with Basic
 * auth where either half may be the access token. Creating a project creates its bare repository.
 *
 * <p>Fault switches, changeable while it runs: {@link #failApiWith(int)} (REST answers that status, plain text),
 * {@link #failEverythingWith(int)} (REST and git), {@link #delay(Duration)} (slow), {@link #down()} (stopped).
 */
public final class OneDevStandIn implements AutoCloseable {

    /** A project as the stand-in stores it. */
    public record Project(long id, Long parentId, String name, String path, String description,
                          boolean codeManagement, boolean issueManagement, Instant createDate) {
    }

    private final Path root;
    private volatile String token;
    private final Map<Long, Project> projects = new ConcurrentHashMap<>();
    private final Set<Long> openToEveryone = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final GitHttpServer server;
    private final OneDevApiServlet api;
    private volatile boolean down;
    private final Map<Long, List<Protection>> protections = new ConcurrentHashMap<>();

    /** A protection rule on a project: pushes to refs it matches are refused with OneDev's message. */
    private record Protection(Predicate<String> refs, String message) {
    }

    private OneDevStandIn(Path root, String token) {
        this.root = root;
        this.token = token;
        this.api = new OneDevApiServlet(this);
        this.server = GitHttpServer.builder(root)
                .authenticator(this::acceptsBasic)
                .anonymousRead(false)
                .locator(this::locate)
                .preReceive(this::preReceive)
                .postReceive(OneDevStandIn::postReceive)
                .servlet("/~api/*", api)
                .start();
    }

    /** Starts a stand-in keeping its repositories under {@code root}, accepting the access token {@code token}. */
    public static OneDevStandIn start(Path root, String token) {
        return new OneDevStandIn(root, token);
    }

    public URI baseUri() {
        return server.baseUri();
    }

    public String token() {
        return token;
    }

    /** Replaces the access token OneDev accepts (the old one is then rejected with 401), as if it was revoked. */
    public void acceptOnlyToken(String newToken) {
        this.token = newToken;
    }

    /** Every request seen (REST and git), in order. */
    public List<GitHttpServer.Request> requests() {
        return server.requests();
    }

    /** The ref names of every git push received, one list per push, in the order the client sent them. */
    public List<List<String>> pushedRefs() {
        return server.pushedRefs();
    }

    public void clearRequests() {
        server.clearRequests();
    }

    /** REST calls answer {@code status} with a plain-text body (0 switches it off). */
    public void failApiWith(int status) {
        api.failWith(status);
    }

    /** Every request, REST or git, answers {@code status} (0 switches it off). */
    public void failEverythingWith(int status) {
        server.failWith(status);
    }

    /** Holds every request this long before answering. */
    public void delay(Duration delay) {
        server.delay(delay);
    }

    /** Stops the server: connections are refused from now on. */
    public void down() {
        if (!down) {
            down = true;
            server.close();
        }
    }

    public List<Project> projects() {
        return projects.values().stream().sorted(Comparator.comparingLong(Project::id)).toList();
    }

    public Optional<Project> projectByPath(String path) {
        return projects.values().stream().filter(p -> p.path().equalsIgnoreCase(path)).findFirst();
    }

    /** The bare repository behind a project. */
    public Path repositoryDirectory(long projectId) {
        return root.resolve("projects").resolve(projectId + ".git");
    }

    /** Creates a project as an administrator would in the UI (no REST call recorded). */
    public Project createProject(String name, Long parentId) {
        return create(name, parentId, null, true, true);
    }

    /**
     * Gives every user, and anonymous visitors where anonymous access is on, a reading role on the project, as an
     * administrator would in the UI. Like every authorization in OneDev it also covers the project's descendants,
     * including projects created or moved below it later. A project created over REST gets no such role.
     */
    public void openToEveryone(long projectId) {
        openToEveryone.add(projectId);
    }

    /** Whether everyone may read the project: it, or one of its ancestors, was opened to everyone. */
    public boolean readableByEveryone(long projectId) {
        Project p = projects.get(projectId);
        while (p != null && !openToEveryone.contains(p.id())) {
            p = p.parentId() == null ? null : projects.get(p.parentId());
        }
        return p != null;
    }

    /**
     * Adds a protection rule refusing any push to a ref {@code refs} matches, as an administrator would in the UI
     * (a branch or tag protection, a file-size or commit-message rule). Like OneDev's rules it applies to the project
     * and its descendants, and it is checked in a {@code pre-receive} hook: one refused ref makes git refuse the whole
     * push, and the hook prints {@code ERROR PUSHING REF: <ref>} and {@code message} as {@code remote:} lines
     * (onedev-api.md §6).
     */
    public void protect(long projectId, Predicate<String> refs, String message) {
        protections.computeIfAbsent(projectId, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new Protection(refs, message));
    }

    /** The branch HEAD names in the project's repository (OneDev's default branch), if it exists. */
    public Optional<String> defaultBranch(long projectId) {
        try (Repository repo = FileRepositoryBuilder.create(repositoryDirectory(projectId).toFile())) {
            org.eclipse.jgit.lib.Ref head = repo.exactRef(org.eclipse.jgit.lib.Constants.HEAD);
            if (head == null || !head.isSymbolic() || head.getObjectId() == null) {
                return Optional.empty();
            }
            return Optional.of(org.eclipse.jgit.lib.Repository.shortenRefName(head.getTarget().getName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the project's HEAD at {@code branch}, as {@code POST /~api/repositories/{id}/default-branch} does. */
    void setDefaultBranch(long projectId, String branch) {
        try (Repository repo = FileRepositoryBuilder.create(repositoryDirectory(projectId).toFile())) {
            org.eclipse.jgit.lib.RefUpdate u = repo.updateRef(org.eclipse.jgit.lib.Constants.HEAD);
            u.disableRefLog();
            u.link(org.eclipse.jgit.lib.Constants.R_HEADS + branch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the project's repository has the branch. */
    boolean hasBranch(long projectId, String branch) {
        try (Repository repo = FileRepositoryBuilder.create(repositoryDirectory(projectId).toFile())) {
            return repo.exactRef(org.eclipse.jgit.lib.Constants.R_HEADS + branch) != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private org.eclipse.jgit.transport.PreReceiveHook preReceive(Repository db) {
        return (rp, commands) -> {
            Optional<Project> project = projects.values().stream()
                    .filter(p -> repositoryDirectory(p.id()).toAbsolutePath().normalize()
                            .equals(db.getDirectory().toPath().toAbsolutePath().normalize()))
                    .findFirst();
            if (project.isEmpty()) {
                return;
            }
            List<Protection> rules = rulesFor(project.get());
            boolean refused = false;
            for (org.eclipse.jgit.transport.ReceiveCommand cmd : commands) {
                for (Protection rule : rules) {
                    if (rule.refs().test(cmd.getRefName())) {
                        rp.sendMessage("ERROR PUSHING REF: " + cmd.getRefName());
                        rp.sendMessage(rule.message());
                        refused = true;
                        break;
                    }
                }
            }
            if (refused) {
                for (org.eclipse.jgit.transport.ReceiveCommand cmd : commands) {
                    cmd.setResult(org.eclipse.jgit.transport.ReceiveCommand.Result.REJECTED_OTHER_REASON,
                            "pre-receive hook declined");
                }
            }
        };
    }

    /**
     * OneDev's post-receive: a repository without a default branch takes the first branch the callback handles as
     * HEAD, and it handles a push's ref updates from the last to the first: {@code GitPostReceiveCallback} receives the
     * hook's stdin with its line breaks dropped (curl {@code -d @-}), reverses the whole text and parses it from the
     * front (theonedev/onedev, server-core {@code git/hook/GitPostReceiveCallback.java}). So of the branches of one
     * push, the last becomes HEAD; of several pushes, the first push's.
     */
    private static org.eclipse.jgit.transport.PostReceiveHook postReceive(Repository db) {
        return (rp, commands) -> {
            try {
                org.eclipse.jgit.lib.Ref head = db.exactRef(org.eclipse.jgit.lib.Constants.HEAD);
                if (head != null && head.getObjectId() != null) {
                    return;
                }
                List<org.eclipse.jgit.transport.ReceiveCommand> lastFirst = new ArrayList<>(commands);
                java.util.Collections.reverse(lastFirst);
                lastFirst.stream()
                        .filter(c -> c.getResult() == org.eclipse.jgit.transport.ReceiveCommand.Result.OK)
                        .filter(c -> c.getType() != org.eclipse.jgit.transport.ReceiveCommand.Type.DELETE)
                        .map(org.eclipse.jgit.transport.ReceiveCommand::getRefName)
                        .filter(n -> n.startsWith(org.eclipse.jgit.lib.Constants.R_HEADS)).findFirst()
                        .ifPresent(branch -> {
                            try {
                                org.eclipse.jgit.lib.RefUpdate u = db.updateRef(org.eclipse.jgit.lib.Constants.HEAD);
                                u.disableRefLog();
                                u.link(branch);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private List<Protection> rulesFor(Project project) {
        List<Protection> rules = new ArrayList<>();
        for (Project p = project; p != null; p = p.parentId() == null ? null : projects.get(p.parentId())) {
            rules.addAll(protections.getOrDefault(p.id(), List.of()));
        }
        return rules;
    }

    /** Deletes a project and everything below it, as an administrator would in the UI (no REST call recorded). */
    public void deleteProject(long id) {
        delete(id);
    }

    // --- model operations used by the REST servlet ---

    boolean acceptsToken(String candidate) {
        return candidate != null && !candidate.isEmpty() && candidate.equals(token);
    }

    private boolean acceptsBasic(String user, String password) {
        return acceptsToken(user.trim()) || acceptsToken(password.trim());
    }

    Optional<Project> find(long id) {
        return Optional.ofNullable(projects.get(id));
    }

    List<Project> all() {
        return projects();
    }

    Optional<Project> siblingNamed(Long parentId, String name) {
        return projects.values().stream()
                .filter(p -> Objects.equals(p.parentId(), parentId) && p.name().equalsIgnoreCase(name))
                .findFirst();
    }

    synchronized Project create(String name, Long parentId, String description, boolean codeManagement,
                                boolean issueManagement) {
        Project parent = parentId == null ? null : projects.get(parentId);
        if (parentId != null && parent == null) {
            throw new IllegalArgumentException("no parent " + parentId);
        }
        if (siblingNamed(parentId, name).isPresent()) {
            throw new IllegalStateException(duplicateMessage(name, parent));
        }
        long id = ids.incrementAndGet();
        String path = parent == null ? name : parent.path() + "/" + name;
        Project project = new Project(id, parentId, name, path, description, codeManagement, issueManagement,
                Instant.now());
        createBareRepository(repositoryDirectory(id));
        projects.put(id, project);
        return project;
    }

    /**
     * Replaces a project's settings and places it under {@code parentId} (null = root) with {@code name}, as
     * {@code POST /~api/projects/{id}} does (onedev-api.md §7.2): the id and the repository stay, the paths of the
     * project and of all its descendants change.
     */
    synchronized Project update(long id, String name, Long parentId, String description, boolean codeManagement,
                                boolean issueManagement) {
        Project current = projects.get(id);
        Project parent = parentId == null ? null : projects.get(parentId);
        if (current == null || parentId != null && parent == null) {
            throw new IllegalArgumentException("no project " + (current == null ? id : parentId));
        }
        if (parentId != null && descendantsOf(id).contains(parentId)) {
            throw new IllegalStateException("Cannot use current or descendant project as parent");
        }
        Optional<Project> sibling = siblingNamed(parentId, name).filter(p -> p.id() != id);
        if (sibling.isPresent()) {
            throw new IllegalStateException(duplicateMessage(name, parent));
        }
        String path = parent == null ? name : parent.path() + "/" + name;
        Project updated = new Project(id, parentId, name, path, description, codeManagement, issueManagement,
                current.createDate());
        projects.put(id, updated);
        renameDescendants(updated);
        return updated;
    }

    private void renameDescendants(Project parent) {
        for (Project child : projects.values().stream().filter(p -> Objects.equals(p.parentId(), parent.id())).toList()) {
            Project moved = new Project(child.id(), child.parentId(), child.name(), parent.path() + "/" + child.name(),
                    child.description(), child.codeManagement(), child.issueManagement(), child.createDate());
            projects.put(child.id(), moved);
            renameDescendants(moved);
        }
    }

    private List<Long> descendantsOf(long id) {
        List<Long> all = new ArrayList<>();
        collect(id, all);
        return all;
    }

    private static String duplicateMessage(String name, Project parent) {
        return parent == null
                ? "Name '" + name + "' is already used by another root project"
                : "Name '" + name + "' is already used by another project under '" + parent.path() + "'";
    }

    synchronized void delete(long id) {
        List<Long> doomed = new ArrayList<>();
        collect(id, doomed);
        for (Long d : doomed) {
            projects.remove(d);
            try {
                org.eclipse.jgit.util.FileUtils.delete(repositoryDirectory(d).toFile(),
                        org.eclipse.jgit.util.FileUtils.RECURSIVE | org.eclipse.jgit.util.FileUtils.IGNORE_ERRORS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void collect(long id, List<Long> into) {
        into.add(id);
        projects.values().stream().filter(p -> p.parentId() != null && p.parentId() == id)
                .forEach(p -> collect(p.id(), into));
    }

    private Optional<Path> locate(String name) {
        String clean = name.replaceAll("^/+|/+$", "");
        String lower = clean.toLowerCase(Locale.ROOT);
        Optional<Project> project = projectByPath(clean);
        if (project.isEmpty() && lower.endsWith(".git")) {
            project = projectByPath(clean.substring(0, clean.length() - 4));
        }
        return project.map(p -> repositoryDirectory(p.id()));
    }

    private static void createBareRepository(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            try (Repository repo = FileRepositoryBuilder.create(dir.toFile())) {
                repo.create(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        down();
    }
}
