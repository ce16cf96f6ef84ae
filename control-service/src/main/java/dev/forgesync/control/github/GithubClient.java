package dev.forgesync.control.github;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import dev.forgesync.githubauth.GithubAuthException;
import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.githubauth.GithubTarget;

/**
 * GitHub's REST API as docs.github.com describes it: the token in an {@code Authorization: Bearer} header (never a
 * URL; a configured token, or the installation access token of a GitHub App for the account the path names), {@code Link} pagination at 100 per page, conditional requests with the stored ETag (a 304 is free against the
 * rate limit), the primary and secondary rate limits honoured by {@link RateGate}, and a renamed repository's 301
 * followed on the API host only. Thread-safe.
 */
public class GithubClient {

    /** Pages of a listing and what they cost. */
    public record Listing(List<JsonNode> items, int pages, int notModifiedPages) {
    }

    private static final Logger log = LoggerFactory.getLogger(GithubClient.class);
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final int MAX_ATTEMPTS = 5;
    private static final int MAX_REDIRECTS = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GithubProperties properties;
    private final GithubCredentials credentials;
    private final HttpClient http;
    private final RateGate gate;
    private final EtagStore etags;

    /** A client whose ETags are kept in {@code github_etags} of {@code dataSource}. */
    public GithubClient(GithubProperties properties, GithubCredentials credentials, DataSource dataSource) {
        this(properties, credentials, new EtagStore(dataSource, properties.etagEntries()), Clock.systemUTC(),
                duration -> Thread.sleep(duration.toMillis()));
    }

    GithubClient(GithubProperties properties, GithubCredentials credentials, EtagStore etags, Clock clock,
                 RateGate.Pause pause) {
        this.properties = properties;
        this.credentials = credentials;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(properties.requestTimeout()).build();
        this.gate = new RateGate(properties.rateLimitReserve(), properties.maxWait(), clock, pause);
        this.etags = etags;
    }

    /** True when requests carry a token (a configured one or a GitHub App's). */
    public boolean authenticates() {
        return credentials.authenticates();
    }

    /** Every item of a paginated list ({@code path} relative to the API, e.g. {@code /orgs/acme/repos}). */
    public Listing list(String path) {
        List<JsonNode> items = new ArrayList<>();
        int pages = 0;
        int notModified = 0;
        String url = url(path + (path.contains("?") ? "&" : "?") + "per_page=" + properties.pageSize());
        while (url != null) {
            GithubResponse page = require(send("GET", url, target(path), 0), "GET", path);
            pages++;
            notModified += page.notModified() ? 1 : 0;
            page.body().forEach(items::add);
            url = page.next();
        }
        return new Listing(items, pages, notModified);
    }

    /** A GET of one resource; non-2xx answers are returned (404, 410, 401...), rate limits are waited out. */
    public GithubResponse get(String pathOrUrl) {
        return send("GET", url(pathOrUrl), target(pathOrUrl), 0);
    }

    /** A POST without a body (e.g. a redelivery attempt). */
    public GithubResponse post(String path) {
        return send("POST", url(path), target(path), 0);
    }

    /** The response, or a {@link GithubException} naming the status. */
    public static GithubResponse require(GithubResponse response, String method, String path) {
        if (!response.ok()) {
            String message = response.body().path("message").asString("");
            throw new GithubException("GitHub answered " + response.status() + " to " + method + " " + path
                    + (message.isEmpty() ? "" : ": " + message), response.status(), null);
        }
        return response;
    }

    /**
     * One request with its redirects and rate-limit waits; {@code target} (the account the original path names,
     * kept across a 301) picks the token. A GitHub App's token refused with 401 is replaced once.
     */
    private GithubResponse send(String method, String url, GithubTarget target, int redirects) {
        boolean renewed = false;
        try {
            for (int attempt = 1; ; attempt++) {
                gate.beforeRequest();
                EtagStore.Entry cached = "GET".equals(method) ? etags.get(url).orElse(null) : null;
                HttpResponse<String> response = http.send(request(method, url, token(target), cached),
                        HttpResponse.BodyHandlers.ofString());
                gate.observe(response.headers());
                int status = response.statusCode();
                if (attempt < MAX_ATTEMPTS && gate.waitIfLimited(status, response.headers(), response.body())) {
                    continue;
                }
                if (status == 401 && !renewed && target != null && credentials.refused(target)) {
                    renewed = true;
                    continue;
                }
                if (status == 304 && cached != null) {
                    return new GithubResponse(200, parse(cached.body()), true, cached.next());
                }
                if (status == 301 && "GET".equals(method) && redirects < MAX_REDIRECTS) {
                    return send(method, sameHost(url, response.headers().firstValue("location").orElse(null)),
                            target, redirects + 1);
                }
                return read(url, response);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GithubException("interrupted while talking to GitHub: " + method + " " + pathOf(url), 0, e);
        } catch (IOException e) {
            throw new GithubException("GitHub unreachable: " + method + " " + pathOf(url) + ": "
                    + e.getClass().getSimpleName(), 0, e);
        }
    }

    /** The token for a request about {@code target}; a GitHub App that cannot get one is an error naming why. */
    private String token(GithubTarget target) {
        try {
            return target == null ? credentials.anyToken() : credentials.token(target);
        } catch (GithubAuthException e) {
            int status = e.status() == 0 ? 0 : 401;
            throw new GithubException("no GitHub credentials for " + (target == null ? "the request" : target) + ": "
                    + e.getMessage(), status, e);
        }
    }

    private GithubTarget target(String pathOrUrl) {
        String path = pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")
                ? relativeToApi(URI.create(pathOrUrl).getRawPath()) : pathOrUrl;
        return GithubTarget.ofApiPath(path.startsWith("/") ? path : "/" + path).orElse(null);
    }

    private String relativeToApi(String path) {
        String apiPath = properties.apiUrl().getRawPath() == null ? "" : properties.apiUrl().getRawPath()
                .replaceAll("/+$", "");
        return path.startsWith(apiPath) ? path.substring(apiPath.length()) : path;
    }

    private HttpRequest request(String method, String url, String token, EtagStore.Entry cached) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(properties.requestTimeout())
                .header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "forgesync-control");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (cached != null) {
            builder.header("If-None-Match", cached.etag());
        }
        return "POST".equals(method) ? builder.POST(HttpRequest.BodyPublishers.noBody()).build()
                : builder.GET().build();
    }

    private GithubResponse read(String url, HttpResponse<String> response) {
        String next = next(response.headers().firstValue("link").orElse(null));
        String etag = response.headers().firstValue("etag").orElse(null);
        if (response.statusCode() == 200 && etag != null) {
            etags.put(url, new EtagStore.Entry(etag, response.body(), next));
        }
        if (response.statusCode() >= 400) {
            log.debug("github: {} answered {}", pathOf(url), response.statusCode());
        }
        return new GithubResponse(response.statusCode(), parse(response.body()), false, next);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new GithubException("GitHub answered with a body that is not JSON", 0, e);
        }
    }

    private static String next(String link) {
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        return m.find() ? m.group(1) : null;
    }

    /** An absolute URL on the API host; a redirect elsewhere is refused (the token must not follow it). */
    private String sameHost(String from, String location) {
        if (location == null) {
            throw new GithubException("GitHub answered 301 without a Location: " + pathOf(from), 301, null);
        }
        URI target = URI.create(from).resolve(location);
        URI api = properties.apiUrl();
        if (!api.getScheme().equals(target.getScheme()) || !api.getAuthority().equals(target.getAuthority())) {
            throw new GithubException("GitHub redirected " + pathOf(from) + " to another host", 301, null);
        }
        return target.toString();
    }

    private String url(String pathOrUrl) {
        if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
            return sameHostOrSelf(pathOrUrl);
        }
        String base = properties.apiUrl().toString().replaceAll("/+$", "");
        return base + (pathOrUrl.startsWith("/") ? "" : "/") + pathOrUrl;
    }

    private String sameHostOrSelf(String url) {
        return sameHost(url, url);
    }

    private String pathOf(String url) {
        return URI.create(url).getRawPath();
    }
}
