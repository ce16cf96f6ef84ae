package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.URIish;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.worker.config.GitProperties;
import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;
import dev.forgesync.worker.config.MirrorProperties;

/**
 * The only place that touches JGit. {@link #open(String)} leases the repository's bare cache; the session fetches
 * the source's branches and tags into it and pushes them to destinations.
 *
 * <p>The clone URL is {@code <github base>/<full name>.git}, built from the repository row, never from a payload;
 * only {@code http} and {@code https} are allowed and redirects are not followed (so never to another host).
 */
@Component
public class GitMirror {

    private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

    private final GithubProperties github;
    private final GithubCredentials credentials;
    private final MirrorProperties properties;
    private final HistoryProperties history;
    private final MirrorCache cache;

    /** Every branch and tag, in {@code exact} mode, with JGit's settings at their defaults: a strict copy (tests and benchmarks of the transport). */
    public GitMirror(GithubProperties github, MirrorProperties properties) {
        this(github, properties, HistoryProperties.all(MirrorMode.EXACT), GitProperties.defaults());
    }

    /** A mirror with JGit's settings at their defaults ({@link GitProperties#defaults()}). */
    public GitMirror(GithubProperties github, MirrorProperties properties, HistoryProperties history) {
        this(github, properties, history, GitProperties.defaults());
    }

    /** Every branch and tag, in {@code exact} mode, with the given JGit settings. */
    public GitMirror(GithubProperties github, MirrorProperties properties, GitProperties git) {
        this(github, properties, HistoryProperties.all(MirrorMode.EXACT), git);
    }

    /** The credentials made from {@code github} itself. */
    public GitMirror(GithubProperties github, MirrorProperties properties, HistoryProperties history, GitProperties git) {
        this(github, github.credentials(), properties, history, git);
    }

    @Autowired
    public GitMirror(GithubProperties github, GithubCredentials credentials, MirrorProperties properties,
                     HistoryProperties history, GitProperties git) {
        JGitSettings.install(git);
        this.github = github;
        this.credentials = credentials;
        this.properties = properties;
        this.history = history;
        this.cache = new MirrorCache(properties.cacheDir(), properties.cacheMaxSize().toBytes());
    }

    /** A session on the cache of {@code fullName} ({@code owner/repo}) with the global settings; close it. */
    public MirrorSession open(String fullName) {
        return open(fullName, List.of(history));
    }

    /**
     * A session on the cache of {@code fullName} that mirrors with {@code policies}, one per source of the
     * repository (README "Per-source settings"): vault if any of them is vault, a ref mirrored if any of them mirrors
     * it; close it to release the cache.
     */
    public MirrorSession open(String fullName, List<HistoryProperties> policies) {
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("at least one mirror policy is needed");
        }
        URIish source = sourceUri(fullName);
        MirrorCache.Lease lease = cache.use(fullName);
        try {
            return new MirrorSession(fullName, source, new SourceCredentials(credentials, fullName),
                    openOrInitBare(lease.dir), lease,
                    cache, properties, policies);
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw GitFailure.transfer("could not open the mirror cache of " + fullName, e);
        }
    }

    URIish sourceUri(String fullName) {
        if (fullName == null || !FULL_NAME.matcher(fullName).matches() || fullName.contains("..")) {
            throw GitFailure.disallowedRemote("not a repository full name: " + fullName, null);
        }
        URI base = github.baseUrl();
        requireHttp(base);
        String prefix = base.toString().replaceAll("/+$", "");
        try {
            return new URIish(prefix + "/" + fullName + ".git");
        } catch (URISyntaxException e) {
            throw GitFailure.disallowedRemote("invalid clone URL for " + fullName, e);
        }
    }

    static void requireHttp(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw GitFailure.disallowedRemote("only http and https remotes are allowed, not " + scheme, null);
        }
        if (uri.getRawUserInfo() != null) {
            throw GitFailure.disallowedRemote("credentials must not be part of a remote URL", null);
        }
    }

    static Repository openOrInitBare(Path dir) throws IOException {
        Repository repo = FileRepositoryBuilder.create(dir.toFile());
        if (!Files.isDirectory(dir.resolve("objects"))) {
            Files.createDirectories(dir);
            repo.create(true);
        }
        // Never follow a redirect: a source or destination must answer on the host it was configured with.
        repo.getConfig().setString("http", null, "followRedirects", "false");
        return repo;
    }
}
