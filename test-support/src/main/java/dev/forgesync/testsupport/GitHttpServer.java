package dev.forgesync.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * A git smart-HTTP server over a folder of bare repositories (JGit's {@code GitServlet} on Jetty), on 127.0.0.1
 * with an ephemeral port. It stands in for GitHub in tests ({@code <base>/<owner>/<repo>.git}) and carries the
 * git side of the OneDev stand-in.
 *
 * <p>Switches for faults, changeable while it runs: {@link #delay(Duration)} (a slow remote),
 * {@link #redirectTo(URI)} (a redirect to another host), {@link #failWith(int)} (an error status for every request).
 * Every request is recorded in {@link #requests()}, so a test can tell whether a pack was fetched or pushed.
 */
public final class GitHttpServer implements AutoCloseable {

    /** One request the server saw; {@code headers} by lower-case name, several values joined with ", ". */
    public record Request(String method, String path, String query, String user, Map<String, String> headers) {

        public Request(String method, String path, String query, String user) {
            this(method, path, query, user, Map.of());
        }

        /** The header's value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** True for a fetch's pack request ({@code POST .../git-upload-pack}). */
        public boolean isUploadPack() {
            return "POST".equals(method) && path.endsWith("/git-upload-pack");
        }

        /** True for a push's pack request ({@code POST .../git-receive-pack}). */
        public boolean isReceivePack() {
            return "POST".equals(method) && path.endsWith("/git-receive-pack");
        }
    }

    private static final String GIT_PROTOCOL = "Git-Protocol";

    private final Path root;
    private final String user;
    private final String password;
    private final boolean anonymousRead;
    private final Function<String, Optional<Path>> locator;
    private final java.util.function.BiPredicate<String, String> authenticator;
    private final Server server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<List<String>> pushes = new CopyOnWriteArrayList<>();
    private final ReadAccess readAccess;
    private volatile Duration delay = Duration.ZERO;
    private volatile URI redirectTo;
    private volatile int failStatus;
    private volatile boolean protocolV2 = true;
    private volatile int failV2Status;
    private final java.util.concurrent.atomic.AtomicLong cutAfter = new java.util.concurrent.atomic.AtomicLong(-1);

    private GitHttpServer(Builder b) {
        this.root = b.root;
        this.user = b.user != null ? b.user : (b.authenticator != null ? "authenticator" : null);
        this.password = b.password;
        this.authenticator = b.authenticator;
        this.anonymousRead = b.anonymousRead;
        this.readAccess = b.readAccess;
        this.locator = b.locator != null ? b.locator : this::locateUnderRoot;
        this.server = new Server(new InetSocketAddress("127.0.0.1", b.port));
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new GateFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        b.extraServlets.forEach((spec, servlet) -> context.addServlet(new ServletHolder(servlet), spec));
        context.addServlet(new ServletHolder(gitServlet(b.pushEnabled, b.preReceive, b.postReceive)), "/*");
        server.setHandler(context);
    }

    /** A server over bare repositories under {@code root}; nothing is started until {@link Builder#start()}. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** Whether a git request may reach a repository, past authentication (e.g. GitHub's private repositories). */
    @FunctionalInterface
    public interface ReadAccess {
        /**
         * 0 to serve the request, else the status to answer: {@code path} is the request's path, {@code password}
         * the Basic password it carried (null without credentials).
         */
        int refusal(String path, String password);
    }

    public static final class Builder {
        private final Path root;
        private String user;
        private String password;
        private boolean anonymousRead = true;
        private boolean pushEnabled = true;
        private int port;
        private Function<String, Optional<Path>> locator;
        private Function<Repository, org.eclipse.jgit.transport.PreReceiveHook> preReceive;
        private Function<Repository, org.eclipse.jgit.transport.PostReceiveHook> postReceive;
        private java.util.function.BiPredicate<String, String> authenticator;
        private ReadAccess readAccess = (path, password) -> 0;
        private final java.util.LinkedHashMap<String, HttpServlet> extraServlets = new java.util.LinkedHashMap<>();

        private Builder(Path root) {
            this.root = root;
        }

        /** Basic-auth credentials; a request without them is anonymous, one with wrong ones gets 401. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Basic credentials accepted when this predicate holds for (user name, password), instead of one fixed pair
         * (OneDev accepts an access token in either half). Switches authentication on like {@link #credentials}.
         */
        public Builder authenticator(java.util.function.BiPredicate<String, String> accepts) {
            this.authenticator = accepts;
            return this;
        }

        /** Decides, per repository, who may reach it over git once credentials are checked (default: everyone). */
        public Builder readAccess(ReadAccess access) {
            this.readAccess = access;
            return this;
        }

        /** Whether anonymous clients may fetch (pushing always needs credentials when they are set). Default true. */
        public Builder anonymousRead(boolean allowed) {
            this.anonymousRead = allowed;
            return this;
        }

        /** A fixed port on 127.0.0.1 (default 0: an ephemeral one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder pushEnabled(boolean enabled) {
            this.pushEnabled = enabled;
            return this;
        }

        /** How a repository name from the URL (e.g. {@code owner/repo.git}) maps to a bare repository folder. */
        public Builder locator(Function<String, Optional<Path>> locator) {
            this.locator = locator;
            return this;
        }

        /** The {@code pre-receive} hook a push into a repository runs (e.g. OneDev's protection rules). */
        public Builder preReceive(Function<Repository, org.eclipse.jgit.transport.PreReceiveHook> hook) {
            this.preReceive = hook;
            return this;
        }

        /** The {@code post-receive} hook a push into a repository runs (e.g. OneDev's default-branch rule). */
        public Builder postReceive(Function<Repository, org.eclipse.jgit.transport.PostReceiveHook> hook) {
            this.postReceive = hook;
            return this;
        }

        /** Another servlet on the same server (e.g. OneDev's REST API at {@code /~api/*}). */
        public Builder servlet(String pathSpec, HttpServlet servlet) {
            extraServlets.put(pathSpec, servlet);
            return this;
        }

        public GitHttpServer start() {
            GitHttpServer s = new GitHttpServer(this);
            try {
                s.server.start();
            } catch (Exception e) {
                throw new IllegalStateException("git HTTP server did not start", e);
            }
            return s;
        }
    }

    /** {@code http://127.0.0.1:<port>} (no trailing slash). */
    public URI baseUri() {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The clone URL of {@code owner/repo}: {@code <base>/owner/repo.git}. */
    public URI cloneUri(String fullName) {
        return URI.create(baseUri() + "/" + fullName + ".git");
    }

    public Path root() {
        return root;
    }

    /** Creates an empty bare repository {@code <root>/<name>.git} and returns its folder. */
    public Path createBareRepository(String name) {
        Path dir = root.resolve(name.endsWith(".git") ? name : name + ".git");
        try {
            Files.createDirectories(dir.getParent());
            try (Repository repo = FileRepositoryBuilder.create(dir.toFile())) {
                repo.create(true);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    /** The ref names each push received asked to update, one list per push, in the order the client sent them. */
    public List<List<String>> pushedRefs() {
        return List.copyOf(pushes);
    }

    /** Holds every request this long before serving it (a slow remote). */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Answers every request with a 302 to the same path on {@code target}; {@code null} switches it off. */
    public void redirectTo(URI target) {
        this.redirectTo = target;
    }

    /** Answers every request with {@code status} (0 switches it off). */
    public void failWith(int status) {
        this.failStatus = status;
    }

    /**
     * Off: the server speaks only protocol v0, as git before 2.18 or one with v2 switched off: the
     * {@code Git-Protocol} header never reaches it, so a v2 request is read as a v0 one. On by default (GitHub's
     * git and JGit's servlet speak v2, stateless over HTTP: a v2 POST needs no GET first).
     */
    public void protocolV2(boolean on) {
        this.protocolV2 = on;
    }

    /**
     * The next {@code git-upload-pack} answer longer than {@code bytes} stops after that many bytes of its body (the
     * connection is dropped mid-answer, as by a network fault or a server that died); once, then off.
     */
    public void cutNextUploadPackAfter(long bytes) {
        cutAfter.set(bytes);
    }

    /** Answers every request that asks for protocol v2 with {@code status} (0 switches it off): a proxy refusing it. */
    public void failProtocolV2With(int status) {
        this.failV2Status = status;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("git HTTP server did not stop", e);
        }
    }

    private Optional<Path> locateUnderRoot(String name) {
        String clean = name.replaceAll("/+$", "");
        if (clean.contains("..")) {
            return Optional.empty();
        }
        for (String candidate : List.of(clean, clean + ".git")) {
            Path dir = root.resolve(candidate);
            if (Files.isDirectory(dir.resolve("objects"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private GitServlet gitServlet(boolean pushEnabled,
                                  Function<Repository, org.eclipse.jgit.transport.PreReceiveHook> preReceive,
                                  Function<Repository, org.eclipse.jgit.transport.PostReceiveHook> postReceive) {
        GitServlet servlet = new GitServlet();
        servlet.setRepositoryResolver((HttpServletRequest req, String name) -> {
            Path dir = locator.apply(name).orElseThrow(() -> new RepositoryNotFoundException(name));
            try {
                return FileRepositoryBuilder.create(dir.toFile());
            } catch (IOException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        });
        servlet.setReceivePackFactory((HttpServletRequest req, Repository db) -> {
            if (!pushEnabled || (user != null && req.getRemoteUser() == null)) {
                throw new ServiceNotAuthorizedException();
            }
            ReceivePack pack = new ReceivePack(db);
            pack.setAllowNonFastForwards(true);
            pack.setAllowDeletes(true);
            org.eclipse.jgit.transport.PreReceiveHook rules = preReceive == null ? null : preReceive.apply(db);
            pack.setPreReceiveHook((rp, commands) -> {
                pushes.add(commands.stream().map(ReceiveCommand::getRefName).toList());
                if (rules != null) {
                    rules.onPreReceive(rp, commands);
                }
            });
            if (postReceive != null) {
                pack.setPostReceiveHook(postReceive.apply(db));
            }
            return pack;
        });
        return servlet;
    }

    /** Faults, authentication and the request log, ahead of every servlet. */
    private final class GateFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest req = (HttpServletRequest) request;
            HttpServletResponse res = (HttpServletResponse) response;
            String authenticated = authenticate(req);
            requests.add(new Request(req.getMethod(), req.getRequestURI(), req.getQueryString(), authenticated,
                    headers(req)));
            pause();
            if (failStatus != 0) {
                res.sendError(failStatus);
                return;
            }
            boolean asksV2 = req.getHeader(GIT_PROTOCOL) != null && req.getHeader(GIT_PROTOCOL).contains("version=2");
            if (asksV2 && failV2Status != 0) {
                res.sendError(failV2Status);
                return;
            }
            if (!protocolV2) {
                req = new WithoutGitProtocol(req);
            }
            URI target = redirectTo;
            if (target != null) {
                String query = req.getQueryString() == null ? "" : "?" + req.getQueryString();
                res.sendRedirect(target + req.getRequestURI() + query);
                return;
            }
            if (user != null && isGitRequest(req)) {
                boolean wrongCredentials = req.getHeader("Authorization") != null && authenticated == null;
                boolean needsCredentials = !anonymousRead || isPush(req);
                if (wrongCredentials || (authenticated == null && needsCredentials)) {
                    res.setHeader("WWW-Authenticate", "Basic realm=\"forgesync-test\"");
                    res.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                    return;
                }
                String[] basic = authenticated == null ? null : basicCredentials(req);
                int refusal = readAccess.refusal(req.getRequestURI(), basic == null ? null : basic[1]);
                if (refusal != 0) {
                    if (refusal == HttpServletResponse.SC_UNAUTHORIZED) {
                        res.setHeader("WWW-Authenticate", "Basic realm=\"forgesync-test\"");
                    }
                    res.sendError(refusal);
                    return;
                }
            }
            long cut = cutAfter.get();
            if (cut >= 0 && req.getRequestURI().endsWith("/git-upload-pack")) {
                res = new CutResponse(res, cut);
            }
            chain.doFilter(authenticated == null ? req : new AuthenticatedRequest(req, authenticated), res);
        }

        private void pause() {
            Duration d = delay;
            if (!d.isZero()) {
                try {
                    Thread.sleep(d.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A response whose body fails after {@code limit} bytes (and switches the fault off when it does). */
    private final class CutResponse extends jakarta.servlet.http.HttpServletResponseWrapper {
        private final long limit;

        CutResponse(HttpServletResponse response, long limit) {
            super(response);
            this.limit = limit;
        }

        @Override
        public jakarta.servlet.ServletOutputStream getOutputStream() throws IOException {
            jakarta.servlet.ServletOutputStream out = super.getOutputStream();
            return new jakarta.servlet.ServletOutputStream() {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (written + len > limit) {
                        out.write(b, off, (int) (limit - written));
                        out.flush();
                        cutAfter.set(-1);
                        throw new org.eclipse.jetty.io.EofException("cut by the test after " + limit + " bytes");
                    }
                    written += len;
                    out.write(b, off, len);
                }

                @Override
                public boolean isReady() {
                    return out.isReady();
                }

                @Override
                public void setWriteListener(jakarta.servlet.WriteListener listener) {
                    out.setWriteListener(listener);
                }
            };
        }
    }

    private String authenticate(HttpServletRequest req) {
        String[] basic = user == null ? null : basicCredentials(req);
        if (basic == null) {
            return null;
        }
        String name = basic[0];
        String secret = basic[1];
        if (authenticator != null) {
            return authenticator.test(name, secret) ? (name.isBlank() ? "token" : name) : null;
        }
        boolean ok = name.equals(user) && secret.equals(password);
        return ok ? user : null;
    }

    /** The user name and password of a Basic {@code Authorization} header, or null. */
    private static String[] basicCredentials(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static Map<String, String> headers(HttpServletRequest req) {
        Map<String, String> headers = new java.util.TreeMap<>();
        for (String name : java.util.Collections.list(req.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", java.util.Collections.list(req.getHeaders(name))));
        }
        return java.util.Collections.unmodifiableMap(headers);
    }

    private static boolean isGitRequest(HttpServletRequest req) {
        String uri = req.getRequestURI();
        return uri.endsWith("/info/refs") || uri.endsWith("/git-upload-pack") || uri.endsWith("/git-receive-pack");
    }

    private static boolean isPush(HttpServletRequest req) {
        return req.getRequestURI().endsWith("/git-receive-pack")
                || "git-receive-pack".equals(req.getParameter("service"));
    }

    /** A request as a v0-only server sees it: without the {@code Git-Protocol} header. */
    private static final class WithoutGitProtocol extends jakarta.servlet.http.HttpServletRequestWrapper {
        WithoutGitProtocol(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return GIT_PROTOCOL.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return GIT_PROTOCOL.equalsIgnoreCase(name) ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            List<String> names = java.util.Collections.list(super.getHeaderNames());
            names.removeIf(GIT_PROTOCOL::equalsIgnoreCase);
            return java.util.Collections.enumeration(names);
        }
    }

    private static final class AuthenticatedRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String user;

        AuthenticatedRequest(HttpServletRequest request, String user) {
            super(request);
            this.user = user;
        }

        @Override
        public String getRemoteUser() {
            return user;
        }
    }
}
