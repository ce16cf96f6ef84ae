package dev.forgesync.testsupport.github;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.forgesync.testsupport.github.GithubApiStandIn.Caller;
import dev.forgesync.testsupport.github.GithubApiStandIn.Delivery;
import dev.forgesync.testsupport.github.GithubApiStandIn.Hook;
import dev.forgesync.testsupport.github.GithubApiStandIn.Repo;

/**
 * GitHub's REST API under {@code /api/v3}, following these pages of docs.github.com (API version 2022-11-28):
 * <ul>
 * <li>rest/using-the-rest-api/using-pagination-in-the-rest-api: {@code per_page} (default 30, at most 100),
 *     {@code page}, and a {@code Link} header with {@code prev}, {@code next}, {@code last}, {@code first} URLs;</li>
 * <li>rest/using-the-rest-api/best-practices-for-using-the-rest-api and rate-limits-for-the-rest-api: {@code ETag},
 *     {@code If-None-Match} answered 304, which does not count against the primary rate limit; the headers
 *     {@code x-ratelimit-limit}, {@code -remaining}, {@code -used}, {@code -reset} (UTC epoch seconds),
 *     {@code -resource}; a 403 with {@code x-ratelimit-remaining: 0} once the budget is spent; secondary limits
 *     as 403 or 429 with {@code retry-after};</li>
 * <li>rest/repos/repos: list organization repositories ({@code GET /orgs/{org}/repos}, sort {@code created} desc),
 *     list repositories for a user ({@code GET /users/{username}/repos}, sort {@code full_name} asc), get a
 *     repository ({@code GET /repos/{owner}/{repo}}), and {@code GET /repositories/{id}};</li>
 * <li>rest/activity/starring: list repositories starred by a user ({@code GET /users/{username}/starred},
 *     most recently starred first);</li>
 * <li>rest/using-the-rest-api/troubleshooting and getting-started: a renamed repository's old URL answers
 *     {@code 301 Moved Permanently} with {@code Location: .../repositories/{id}} and a body naming it; errors are
 *     JSON {@code {"message", "documentation_url"}} ({@code Not Found}, {@code Bad credentials});</li>
 * <li>rest/orgs/webhooks and rest/repos/webhooks: list hooks (404 {@code Not Found} for an organisation or a
 *     repository that does not exist, as for any owner the caller may not see), list deliveries (newest first, paged
 *     by cursor: {@code per_page} default 30 and at most 100, {@code cursor} the opaque starting delivery of the page,
 *     {@code Link: <...?per_page=N&cursor=...>; rel="next"} while more remain), get a delivery, and {@code POST .../deliveries/{delivery_id}/attempts} answered 202. Only the owner
 *     (the stand-in's token; another user's token only for its own repositories) or a GitHub App installation on
 *     the account with the permission "Webhooks" ({@code organization_hooks} for an organisation's,
 *     {@code repository_hooks} for a repository's: read to list, write to redeliver) reaches them; an installation
 *     without it is answered 403 "Resource not accessible by integration", anyone else 404.</li>
 * </ul>
 */
public final class GithubApiServlet extends HttpServlet {

    /** A REST request and its answer's status, as the stand-in recorded it. */
    public record Exchange(String method, String pathAndQuery, int status) {
    }

    static final String RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ORG_REPOS = Pattern.compile("/orgs/([^/]+)/repos");
    private static final Pattern USER_REPOS = Pattern.compile("/users/([^/]+)/repos");
    private static final Pattern STARRED = Pattern.compile("/users/([^/]+)/starred");
    private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");
    private static final Pattern REPO_BY_ID = Pattern.compile("/repositories/(\\d+)");
    private static final Pattern HOOKS = Pattern.compile("/(orgs/[^/]+|repos/[^/]+/[^/]+)/hooks");
    private static final Pattern DELIVERIES = Pattern.compile("/(orgs/[^/]+|repos/[^/]+/[^/]+)/hooks/(\\d+)/deliveries");
    private static final Pattern DELIVERY =
            Pattern.compile("/(orgs/[^/]+|repos/[^/]+/[^/]+)/hooks/(\\d+)/deliveries/(\\d+)(/attempts)?");
    private static final String NOT_ACCESSIBLE = "Resource not accessible by integration";
    /** Deliveries' cursors: opaque to clients, here the starting delivery's id behind GitHub's {@code v1_}. */
    private static final String CURSOR_PREFIX = "v1_";

    private static final Pattern INSTALLATION = Pattern.compile("/(orgs|users)/[^/]+/installation|/repos/[^/]+/[^/]+/installation");

    private final GithubApiStandIn github;
    private final AppRoutes apps;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private int limit = 5000;
    private int remaining = 5000;
    private Instant reset = Instant.now().plus(1, ChronoUnit.HOURS);
    private int secondaryStatus;
    private int secondaryRetryAfter;
    private int secondaryTimes;

    GithubApiServlet(GithubApiStandIn github) {
        this.github = github;
        this.apps = new AppRoutes(github);
    }

    synchronized void rateLimit(int limit, int remaining, Instant reset) {
        this.limit = limit;
        this.remaining = remaining;
        this.reset = reset.truncatedTo(ChronoUnit.SECONDS);
    }

    synchronized void secondaryLimit(int status, int retryAfterSeconds, int times) {
        this.secondaryStatus = status;
        this.secondaryRetryAfter = retryAfterSeconds;
        this.secondaryTimes = times;
    }

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    void clearExchanges() {
        exchanges.clear();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        Answer answer = answer(req, path);
        exchanges.add(new Exchange(req.getMethod(), path + (req.getQueryString() == null ? "" : "?" + req.getQueryString()),
                answer.status()));
        write(res, answer);
    }

    // ---- the gate: authentication, secondary and primary limits, conditional requests ----

    private synchronized Answer answer(HttpServletRequest req, String path) {
        renewBudgetIfDue();
        Caller caller = github.caller(req.getHeader("Authorization"));
        if (caller.refusal() != null) {
            return withRateHeaders(Answer.error(401, caller.refusal(), "https://docs.github.com/rest"));
        }
        if (secondaryTimes > 0) {
            secondaryTimes--;
            return withRateHeaders(Answer.error(secondaryStatus, "You have exceeded a secondary rate limit. Please "
                    + "wait a few minutes before you try again. If you reach out to GitHub Support for help, please "
                    + "include the request ID.", RATE_LIMIT_DOCS + "#about-secondary-rate-limits")
                    .header("retry-after", Integer.toString(secondaryRetryAfter)));
        }
        if (path.equals("/rate_limit")) {
            return withRateHeaders(rateLimitBody());
        }
        if (remaining <= 0) {
            return withRateHeaders(Answer.error(403, "API rate limit exceeded for user ID 1. If you reach out to "
                    + "GitHub Support for help, please include the request ID.", RATE_LIMIT_DOCS));
        }
        Answer answer = appRoute(path) ? apps.route(req, path, caller) : caller.appId() != null
                ? Answer.error(401, "Bad credentials", "https://docs.github.com/rest") : route(req, path, caller);
        String ifNoneMatch = req.getHeader("If-None-Match");
        if (answer.status() == 200 && answer.etag() != null && ifNoneMatch != null
                && weakEquals(ifNoneMatch, answer.etag())) {
            return withRateHeaders(Answer.notModified(answer));
        }
        remaining--;
        return withRateHeaders(answer);
    }

    private void renewBudgetIfDue() {
        if (!Instant.now().isBefore(reset)) {
            remaining = limit;
            reset = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        }
    }

    private Answer withRateHeaders(Answer answer) {
        return answer.header("x-ratelimit-limit", Integer.toString(limit))
                .header("x-ratelimit-remaining", Integer.toString(Math.max(remaining, 0)))
                .header("x-ratelimit-used", Integer.toString(limit - Math.max(remaining, 0)))
                .header("x-ratelimit-reset", Long.toString(reset.getEpochSecond()))
                .header("x-ratelimit-resource", "core")
                .header("x-github-api-version-selected", "2022-11-28");
    }

    private Answer rateLimitBody() {
        ObjectNode core = JSON.createObjectNode().put("limit", limit).put("remaining", remaining)
                .put("reset", reset.getEpochSecond()).put("used", limit - remaining).put("resource", "core");
        ObjectNode body = JSON.createObjectNode();
        body.putObject("resources").set("core", core);
        body.set("rate", core);
        return Answer.json(200, body.toString());
    }

    // ---- routes ----

    /** Endpoints that take the App's JWT ({@link AppRoutes}). */
    private static boolean appRoute(String path) {
        return path.equals("/app") || path.startsWith("/app/") || INSTALLATION.matcher(path).matches();
    }

    private Answer route(HttpServletRequest req, String path, Caller caller) {
        String method = req.getMethod();
        Matcher m;
        if ("GET".equals(method) && (m = ORG_REPOS.matcher(path)).matches()) {
            return orgRepos(req, m.group(1), caller);
        } else if ("GET".equals(method) && (m = USER_REPOS.matcher(path)).matches()) {
            return userRepos(req, m.group(1));
        } else if ("GET".equals(method) && (m = STARRED.matcher(path)).matches()) {
            return starred(req, m.group(1), caller);
        } else if ("GET".equals(method) && (m = REPO_BY_ID.matcher(path)).matches()) {
            return github.byId(Long.parseLong(m.group(1))).filter(caller::sees)
                    .map(r -> Answer.json(200, repo(r).toString()).tagged())
                    .orElseGet(Answer::notFound);
        } else if ("GET".equals(method) && (m = REPO.matcher(path)).matches()) {
            return repoByName(req, m.group(1) + "/" + m.group(2), caller);
        } else if ((m = HOOKS.matcher(path)).matches() || (m = DELIVERIES.matcher(path)).matches()
                || (m = DELIVERY.matcher(path)).matches()) {
            return hookRefusal(m.group(1), caller, "GET".equals(method) ? "read" : "write")
                    .orElseGet(() -> hookRoute(req, path));
        }
        return Answer.notFound();
    }

    /** Hooks, their deliveries and redelivery attempts, once the caller may reach them. */
    private Answer hookRoute(HttpServletRequest req, String path) {
        String method = req.getMethod();
        Matcher m;
        if ("GET".equals(method) && (m = HOOKS.matcher(path)).matches()) {
            return hooks(m.group(1));
        } else if ("GET".equals(method) && (m = DELIVERIES.matcher(path)).matches()) {
            return deliveries(req, m.group(1), Long.parseLong(m.group(2)));
        } else if ((m = DELIVERY.matcher(path)).matches()) {
            return delivery(method, m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    m.group(4) != null);
        }
        return Answer.notFound();
    }

    /**
     * Why the caller may not {@code level} ({@code read}, {@code write}) the webhooks of {@code owner}
     * ({@code orgs/{org}} or {@code repos/{owner}/{repo}}): docs.github.com asks an organisation owner (a repository
     * admin) or the "Webhooks" permission of the organisation (the repository), read to list and write to redeliver.
     */
    private Optional<Answer> hookRefusal(String owner, Caller caller, String level) {
        String[] parts = owner.split("/");
        boolean org = parts[0].equals("orgs");
        if (caller.token()) {
            return Optional.empty();
        }
        if (caller.installation() != null) {
            GithubApps.Installation i = caller.installation();
            boolean reaches = org ? i.on(parts[1])
                    : github.repository(parts[1] + "/" + parts[2]).filter(i::covers).isPresent();
            return reaches && i.allows(org ? "organization_hooks" : "repository_hooks", level) ? Optional.empty()
                    : Optional.of(Answer.error(403, NOT_ACCESSIBLE, "https://docs.github.com/rest/"
                            + (org ? "orgs" : "repos") + "/webhooks"));
        }
        boolean ownRepository = !org && parts[1].equalsIgnoreCase(caller.user());
        return ownRepository ? Optional.empty() : Optional.of(Answer.notFound());
    }

    private Answer orgRepos(HttpServletRequest req, String org, Caller caller) {
        if (!"Organization".equals(github.accountType(org))) {
            return Answer.notFound();
        }
        List<Repo> list = new ArrayList<>(github.ownedBy(org).stream().filter(caller::sees).toList());
        list.sort(Comparator.comparing(Repo::createdAt).thenComparing(Repo::id).reversed());
        return page(req, list, this::repo);
    }

    private Answer userRepos(HttpServletRequest req, String user) {
        if (github.accountType(user) == null) {
            return Answer.notFound();
        }
        List<Repo> list = new ArrayList<>(github.ownedBy(user).stream().filter(r -> !r.isPrivate()).toList());
        list.sort(Comparator.comparing(r -> r.fullName().toLowerCase(Locale.ROOT)));
        return page(req, list, this::repo);
    }

    private Answer starred(HttpServletRequest req, String user, Caller caller) {
        if (github.accountType(user) == null) {
            return Answer.notFound();
        }
        return page(req, github.starredBy(user).stream().filter(caller::sees).toList(), this::repo);
    }

    private Answer repoByName(HttpServletRequest req, String fullName, Caller caller) {
        Optional<Repo> repo = github.repository(fullName).filter(caller::sees);
        if (repo.isPresent()) {
            return Answer.json(200, repo(repo.get()).toString()).tagged();
        }
        return github.renamedId(fullName).map(id -> {
            String url = apiBase(req) + "/repositories/" + id;
            ObjectNode body = JSON.createObjectNode().put("message", "Moved Permanently").put("url", url)
                    .put("documentation_url", "https://docs.github.com/v3/#http-redirects");
            return Answer.json(301, body.toString()).header("Location", url);
        }).orElseGet(Answer::notFound);
    }

    /** The hooks of {@code orgs/{org}} or {@code repos/{owner}/{repo}}. */
    private List<Hook> hooksOf(String owner) {
        String[] parts = owner.split("/");
        return parts[0].equals("orgs") ? github.hooksOf(parts[1], null)
                : github.hooksOf(parts[1], parts[1] + "/" + parts[2]);
    }

    private Optional<Hook> hookOf(String owner, long hookId) {
        return hooksOf(owner).stream().filter(h -> h.id() == hookId).findFirst();
    }

    private Answer hooks(String owner) {
        String[] parts = owner.split("/");
        boolean exists = parts[0].equals("orgs") ? "Organization".equals(github.accountType(parts[1]))
                : github.repository(parts[1] + "/" + parts[2]).isPresent();
        if (!exists) {
            return Answer.notFound();
        }
        ArrayNode array = JSON.createArrayNode();
        hooksOf(owner).forEach(h -> {
            ObjectNode hook = array.addObject().put("type", h.repo() == null ? "Organization" : "Repository")
                    .put("id", h.id()).put("name", "web").put("active", true);
            hook.putArray("events").add("push").add("star").add("watch").add("repository");
            hook.putObject("config").put("url", h.url()).put("content_type", "json").put("insecure_ssl", "0");
        });
        return Answer.json(200, array.toString()).tagged();
    }

    private Answer deliveries(HttpServletRequest req, String owner, long hookId) {
        if (hookOf(owner, hookId).isEmpty()) {
            return Answer.notFound();
        }
        int perPage = perPage(req);
        List<Delivery> all = github.deliveriesOf(hookId);
        String cursor = req.getParameter("cursor");
        int from = 0;
        if (cursor != null) {
            from = -1;
            for (int i = 0; i < all.size(); i++) {
                if ((CURSOR_PREFIX + all.get(i).id()).equals(cursor)) {
                    from = i;
                }
            }
            if (from < 0) {
                return Answer.error(400, "Bad Request", "https://docs.github.com/rest/orgs/webhooks");
            }
        }
        List<Delivery> page = all.subList(from, Math.min(all.size(), from + perPage));
        ArrayNode array = JSON.createArrayNode();
        page.forEach(d -> delivery(array.addObject(), d));
        Answer answer = Answer.json(200, array.toString());
        if (from + perPage < all.size()) {
            String next = req.getRequestURL() + "?per_page=" + perPage + "&cursor=" + CURSOR_PREFIX
                    + all.get(from + perPage).id();
            answer.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return answer;
    }

    private Answer delivery(String method, String owner, long hookId, long deliveryId, boolean attempts) {
        Optional<Delivery> found = hookOf(owner, hookId).flatMap(h -> github.deliveriesOf(hookId).stream()
                .filter(d -> d.id() == deliveryId).findFirst());
        if (found.isEmpty()) {
            return Answer.notFound();
        }
        if (attempts && "POST".equals(method)) {
            github.redeliver(hookId, found.get());
            return Answer.json(202, "{}");
        }
        if (!attempts && "GET".equals(method)) {
            ObjectNode body = JSON.createObjectNode();
            delivery(body, found.get());
            return Answer.json(200, body.toString());
        }
        return Answer.notFound();
    }

    private static void delivery(ObjectNode node, Delivery d) {
        node.put("id", d.id()).put("guid", d.guid()).put("delivered_at", d.deliveredAt().toString())
                .put("redelivery", d.redelivery()).put("duration", 0.27).put("status", d.status())
                .put("status_code", d.statusCode()).put("event", d.event()).put("action", d.action())
                .putNull("installation_id");
        if (d.repositoryId() == null) {
            node.putNull("repository_id");
        } else {
            node.put("repository_id", d.repositoryId());
        }
    }

    // ---- pagination and bodies ----

    private <T> Answer page(HttpServletRequest req, List<T> items, Function<T, ObjectNode> render) {
        int perPage = perPage(req);
        int page = Math.max(1, intParam(req, "page", 1));
        int last = Math.max(1, (items.size() + perPage - 1) / perPage);
        ArrayNode array = JSON.createArrayNode();
        items.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(item -> array.add(render.apply(item)));
        Answer answer = Answer.json(200, array.toString()).tagged();
        String link = link(req, page, last, perPage);
        return link.isEmpty() ? answer : answer.header("Link", link);
    }

    /**
     * {@code rel="prev"}, {@code "next"}, {@code "last"}, {@code "first"}, in the documentation's order; the request's
     * other parameters ({@code type=all}, {@code sort}...) stay in every link, as on GitHub.
     */
    private static String link(HttpServletRequest req, int page, int last, int perPage) {
        List<String> rels = new ArrayList<>();
        StringBuilder base = new StringBuilder(req.getRequestURL()).append('?');
        if (req.getQueryString() != null) {
            for (String param : req.getQueryString().split("&")) {
                if (!param.isEmpty() && !param.startsWith("per_page=") && !param.startsWith("page=")) {
                    base.append(param).append('&');
                }
            }
        }
        base.append("per_page=").append(perPage).append("&page=");
        if (page > 1) {
            rels.add("<" + base + Math.min(page - 1, last) + ">; rel=\"prev\"");
        }
        if (page < last) {
            rels.add("<" + base + (page + 1) + ">; rel=\"next\"");
            rels.add("<" + base + last + ">; rel=\"last\"");
        }
        if (page > 1) {
            rels.add("<" + base + 1 + ">; rel=\"first\"");
        }
        return String.join(", ", rels);
    }

    private static int perPage(HttpServletRequest req) {
        return Math.min(100, Math.max(1, intParam(req, "per_page", 30)));
    }

    private static int intParam(HttpServletRequest req, String name, int fallback) {
        String value = req.getParameter(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private ObjectNode repo(Repo r) {
        String html = github.baseUri() + "/" + r.fullName();
        String api = github.apiUri() + "/repos/" + r.fullName();
        ObjectNode node = JSON.createObjectNode().put("id", r.id()).put("node_id", "R_" + r.id())
                .put("name", r.name()).put("full_name", r.fullName()).put("private", r.isPrivate());
        ObjectNode owner = node.putObject("owner").put("login", r.owner()).put("id", Math.abs(r.owner().hashCode()))
                .put("type", Optional.ofNullable(github.accountType(r.owner())).orElse("User"));
        owner.put("url", github.apiUri() + "/users/" + r.owner());
        node.put("html_url", html).putNull("description").put("fork", r.fork()).put("url", api)
                .put("clone_url", html + ".git").put("default_branch", r.defaultBranch())
                .put("archived", r.archived()).put("disabled", false)
                .put("visibility", r.isPrivate() ? "private" : "public").put("size", 108)
                .put("created_at", r.createdAt().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("pushed_at", r.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
        return node;
    }

    private String apiBase(HttpServletRequest req) {
        return github.apiUri().toString();
    }

    private static boolean weakEquals(String ifNoneMatch, String etag) {
        String wanted = strip(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            if (candidate.trim().equals("*") || strip(candidate.trim()).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static void write(HttpServletResponse res, Answer answer) throws IOException {
        res.setStatus(answer.status());
        answer.headers().forEach(h -> res.addHeader(h[0], h[1]));
        if (answer.etag() != null) {
            res.setHeader("ETag", answer.etag());
        }
        if (answer.body() != null) {
            res.setContentType("application/json; charset=utf-8");
            res.getOutputStream().write(answer.body().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A status, a JSON body (null for none), an ETag (null for none) and extra headers. */
    record Answer(int status, String body, String etag, List<String[]> headers) {

        static Answer json(int status, String body) {
            return new Answer(status, body, null, new ArrayList<>());
        }

        static Answer error(int status, String message, String docs) {
            ObjectNode body = JSON.createObjectNode().put("message", message).put("documentation_url", docs);
            return json(status, body.toString());
        }

        static Answer notFound() {
            return error(404, "Not Found", "https://docs.github.com/rest");
        }

        /** The same answer without a body: 304 keeps the ETag and the pagination links. */
        static Answer notModified(Answer full) {
            List<String[]> kept = full.headers().stream().filter(h -> h[0].equals("Link")).toList();
            return new Answer(304, null, full.etag(), new ArrayList<>(kept));
        }

        /** A weak ETag from the body's SHA-256, like GitHub's {@code W/"..."} list tags. */
        Answer tagged() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
                return new Answer(status, body, "W/\"" + HexFormat.of().formatHex(digest) + "\"", headers);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Answer header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }
    }
}
