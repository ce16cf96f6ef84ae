package dev.forgesync.testsupport.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.testsupport.Webhooks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stand-in answers as docs.github.com's REST pages say GitHub does (the examples quoted in each test come from
 * "Using pagination in the REST API", "Rate limits for the REST API", "Best practices for using the REST API",
 * "Troubleshooting the REST API" and the repositories, starring and webhooks reference pages).
 */
class GithubApiStandInTest {

    private static final String TOKEN = "ghp_standin0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private GithubApiStandIn github;

    @BeforeEach
    void start(@TempDir Path root) {
        github = GithubApiStandIn.start(root, TOKEN);
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void paginatesOrgRepositoriesWithLinkHeadersAndCapsPerPageAt100() throws Exception {
        github.createOrg("acme");
        for (int i = 0; i < 250; i++) {
            github.createRepository("acme/repo-" + i);
        }
        HttpResponse<String> first = get("/orgs/acme/repos?per_page=100");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body())).hasSize(100);
        // Docs: link: <...?page=2>; rel="next", <...?page=N>; rel="last" on the first page, no prev/first.
        assertThat(first.headers().firstValue("link")).get().asString()
                .matches("<http://127\\.0\\.0\\.1:\\d+/api/v3/orgs/acme/repos\\?per_page=100&page=2>; rel=\"next\", "
                        + "<http://127\\.0\\.0\\.1:\\d+/api/v3/orgs/acme/repos\\?per_page=100&page=3>; rel=\"last\"");

        HttpResponse<String> last = get("/orgs/acme/repos?per_page=100&page=3");
        assertThat(JSON.readTree(last.body())).hasSize(50);
        assertThat(last.headers().firstValue("link")).get().asString()
                .contains("page=2>; rel=\"prev\"").contains("page=1>; rel=\"first\"").doesNotContain("rel=\"next\"");

        // Docs ("Using pagination"): the link URLs keep the request's other query parameters.
        assertThat(get("/orgs/acme/repos?type=all&per_page=100").headers().firstValue("link")).get().asString()
                .contains("/orgs/acme/repos?type=all&per_page=100&page=2>; rel=\"next\"");
        assertThat(JSON.readTree(get("/orgs/acme/repos?per_page=500").body())).hasSize(100);
        assertThat(JSON.readTree(get("/orgs/acme/repos").body())).as("default per_page").hasSize(30);
    }

    @Test
    void listsOrgRepositoriesNewestFirstWithTheDocumentedFields() throws Exception {
        github.createOrg("acme");
        github.createRepository("acme/old");
        github.createRepository("acme/new", new GithubApiStandIn.RepoOptions(true, true, false));
        JsonNode list = JSON.readTree(get("/orgs/acme/repos").body());
        assertThat(list.get(0).get("full_name").asString()).isEqualTo("acme/new");
        JsonNode repo = list.get(0);
        for (String field : new String[] {"id", "node_id", "name", "full_name", "owner", "private", "html_url",
                "fork", "url", "clone_url", "default_branch", "archived", "visibility", "pushed_at"}) {
            assertThat(repo.has(field)).as(field).isTrue();
        }
        assertThat(repo.get("fork").asBoolean()).isTrue();
        assertThat(repo.get("archived").asBoolean()).isTrue();
        assertThat(repo.get("owner").get("login").asString()).isEqualTo("acme");
        assertThat(repo.get("clone_url").asString()).isEqualTo(github.baseUri() + "/acme/new.git");
    }

    @Test
    void answersAConditionalRequestWith304ThatCostsNothing() throws Exception {
        github.createRepository("octocat/hello-world");
        HttpResponse<String> full = get("/repos/octocat/hello-world");
        String etag = full.headers().firstValue("etag").orElseThrow();
        assertThat(etag).startsWith("W/\"");
        int remaining = remaining(full);

        HttpResponse<String> conditional = send(request("/repos/octocat/hello-world").header("If-None-Match", etag));
        assertThat(conditional.statusCode()).isEqualTo(304);
        assertThat(conditional.body()).isEmpty();
        assertThat(remaining(conditional)).isEqualTo(remaining);
        assertThat(remaining(get("/repos/octocat/hello-world"))).isEqualTo(remaining - 1);
    }

    @Test
    void sendsTheRateLimitHeadersAndA403OnceTheBudgetIsSpent() throws Exception {
        github.createRepository("octocat/hello-world");
        Instant reset = Instant.now().plusSeconds(600);
        github.rateLimit(60, 1, reset);
        HttpResponse<String> last = get("/repos/octocat/hello-world");
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(last.headers().map()).containsKeys("x-ratelimit-limit", "x-ratelimit-remaining",
                "x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource");
        assertThat(last.headers().firstValue("x-ratelimit-limit")).hasValue("60");
        assertThat(last.headers().firstValue("x-ratelimit-used")).hasValue("60");
        assertThat(last.headers().firstValue("x-ratelimit-reset")).hasValue(Long.toString(reset.getEpochSecond()));

        HttpResponse<String> refused = get("/repos/octocat/hello-world");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(remaining(refused)).isZero();
        assertThat(JSON.readTree(refused.body()).get("message").asString()).startsWith("API rate limit exceeded");
        assertThat(JSON.readTree(refused.body()).get("documentation_url").asString())
                .isEqualTo("https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
    }

    @Test
    void renewsTheBudgetAtTheReset() throws Exception {
        github.createRepository("octocat/hello-world");
        github.rateLimit(60, 0, Instant.now().minusSeconds(1));
        HttpResponse<String> renewed = get("/repos/octocat/hello-world");
        assertThat(renewed.statusCode()).isEqualTo(200);
        assertThat(remaining(renewed)).isEqualTo(59);
    }

    @Test
    void answersSecondaryLimitsWithRetryAfter() throws Exception {
        github.createRepository("octocat/hello-world");
        github.secondaryLimit(429, 7, 1);
        HttpResponse<String> limited = get("/repos/octocat/hello-world");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("7");
        assertThat(JSON.readTree(limited.body()).get("message").asString())
                .startsWith("You have exceeded a secondary rate limit");
        assertThat(get("/repos/octocat/hello-world").statusCode()).isEqualTo(200);
    }

    @Test
    void movesARenamedRepositoryWith301ToItsId() throws Exception {
        GithubApiStandIn.Repo repo = github.createRepository("octocat/old-name");
        github.rename("octocat/old-name", "octocat/new-name");
        HttpResponse<String> moved = get("/repos/octocat/old-name");
        assertThat(moved.statusCode()).isEqualTo(301);
        String location = github.apiUri() + "/repositories/" + repo.id();
        assertThat(moved.headers().firstValue("location")).hasValue(location);
        assertThat(JSON.readTree(moved.body()).get("message").asString()).isEqualTo("Moved Permanently");
        assertThat(JSON.readTree(moved.body()).get("url").asString()).isEqualTo(location);
        JsonNode byId = JSON.readTree(send(HttpRequest.newBuilder(URI.create(location))
                .header("Authorization", "Bearer " + TOKEN)).body());
        assertThat(byId.get("full_name").asString()).isEqualTo("octocat/new-name");
    }

    @Test
    void answersNotFoundForADeletedRepositoryOnTheApiAndOnGit() throws Exception {
        github.createRepository("octocat/gone");
        github.delete("octocat/gone");
        HttpResponse<String> api = get("/repos/octocat/gone");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(api.body()).get("message").asString()).isEqualTo("Not Found");
        HttpResponse<String> refs = send(HttpRequest.newBuilder(
                URI.create(github.baseUri() + "/octocat/gone.git/info/refs?service=git-upload-pack")));
        assertThat(refs.statusCode()).isEqualTo(404);
    }

    @Test
    void refusesAWrongTokenWithBadCredentials() throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(github.apiUri() + "/users/x/repos"))
                .header("Authorization", "Bearer wrong"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).get("message").asString()).isEqualTo("Bad credentials");
    }

    @Test
    void listsStarsOfAUserIncludingOtherOwnersRepositoriesNewestFirst() throws Exception {
        github.createRepository("torvalds/linux");
        github.createRepository("rust-lang/rust");
        github.star("octocat", "torvalds/linux");
        github.star("octocat", "rust-lang/rust");
        JsonNode starred = JSON.readTree(get("/users/octocat/starred").body());
        assertThat(starred).extracting(n -> n.get("full_name").asString())
                .containsExactly("rust-lang/rust", "torvalds/linux");
    }

    @Test
    void listsHookDeliveriesNewestFirstAndAcceptsARedeliveryAttemptWith202() throws Exception {
        github.createOrg("acme");
        long hook = github.createHook("acme", null, "https://forgesync.example/webhooks/github");
        Instant now = Instant.now();
        github.recordDelivery(hook, "ok-guid", now.minusSeconds(60), 202, "push", null, 1L);
        GithubApiStandIn.Delivery failed = github.recordDelivery(hook, "failed-guid", now, 503, "push", null, 1L);

        JsonNode hooks = JSON.readTree(get("/orgs/acme/hooks").body());
        assertThat(hooks.get(0).get("id").asLong()).isEqualTo(hook);
        JsonNode list = JSON.readTree(get("/orgs/acme/hooks/" + hook + "/deliveries?per_page=100").body());
        assertThat(list.get(0).get("guid").asString()).isEqualTo("failed-guid");
        assertThat(list.get(0).get("status_code").asInt()).isEqualTo(503);
        assertThat(list.get(0).get("redelivery").asBoolean()).isFalse();
        assertThat(list.get(0).get("status").asString()).isEqualTo("Invalid HTTP Response: 503");

        HttpResponse<String> attempt = send(request("/orgs/acme/hooks/" + hook + "/deliveries/" + failed.id()
                + "/attempts").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(attempt.statusCode()).isEqualTo(202);
        assertThat(github.redeliveryAttempts()).extracting(GithubApiStandIn.Delivery::guid)
                .containsExactly("failed-guid");
        JsonNode after = JSON.readTree(get("/orgs/acme/hooks/" + hook + "/deliveries").body());
        assertThat(after.get(0).get("redelivery").asBoolean()).isTrue();
    }

    @Test
    void answersNotFoundForTheHooksOfAnOrganisationOrRepositoryThatDoesNotExist() throws Exception {
        github.createUser("someone");
        // Docs, "List organization webhooks": status codes 200 OK, 404 Resource not found (so for repositories).
        for (String path : List.of("/orgs/no-such-org/hooks", "/orgs/someone/hooks", "/repos/someone/missing/hooks")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("message").asString()).as(path).isEqualTo("Not Found");
            assertThat(body.get("documentation_url").asString()).as(path).startsWith("https://docs.github.com/");
        }
        github.createOrg("empty-org");
        assertThat(get("/orgs/empty-org/hooks").body()).as("an organisation without hooks").isEqualTo("[]");
    }

    @Test
    void pagesHookDeliveriesByCursorNewestFirst() throws Exception {
        github.createOrg("acme");
        long hook = github.createHook("acme", null, "https://forgesync.example/webhooks/github");
        Instant now = Instant.now();
        for (int i = 0; i < 250; i++) {
            github.recordDelivery(hook, "guid-" + i, now.minusSeconds(i), 503, "push", null, 1L);
        }

        // Docs: per_page "(max 100)", default 30; cursor "the starting delivery from which the page of deliveries
        // is fetched. Refer to the link header for the next and previous page cursors."
        List<String> guids = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String url = github.apiUri() + "/orgs/acme/hooks/" + hook + "/deliveries?per_page=100";
        while (url != null) {
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TOKEN));
            assertThat(page.statusCode()).isEqualTo(200);
            JsonNode items = JSON.readTree(page.body());
            sizes.add(items.size());
            items.forEach(d -> guids.add(d.get("guid").asString()));
            String link = page.headers().firstValue("link").orElse(null);
            if (link != null) {
                assertThat(link).matches("<http://127\\.0\\.0\\.1:\\d+/api/v3/orgs/acme/hooks/" + hook
                        + "/deliveries\\?per_page=100&cursor=v1_\\d+>; rel=\"next\"");
            }
            url = link == null ? null : link.substring(1, link.indexOf('>'));
        }
        assertThat(sizes).containsExactly(100, 100, 50);
        assertThat(guids).as("every delivery once, newest first")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 250).mapToObj(i -> "guid-" + i).toList());
        assertThat(JSON.readTree(get("/orgs/acme/hooks/" + hook + "/deliveries?per_page=500").body())).hasSize(100);
        assertThat(JSON.readTree(get("/orgs/acme/hooks/" + hook + "/deliveries").body())).as("default per_page")
                .hasSize(30);
    }

    @Test
    void aRedeliveryAttemptPostsTheSameDeliveryAgainSignedWithTheHookSecret() throws Exception {
        List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/webhooks/github", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(Map.of("event", exchange.getRequestHeaders().getFirst("X-GitHub-Event"),
                    "guid", exchange.getRequestHeaders().getFirst("X-GitHub-Delivery"),
                    "signature", exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"),
                    "body", new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        endpoint.start();
        try {
            github.createOrg("acme");
            long hook = github.createHook("acme", null,
                    "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/webhooks/github", "hook-secret");
            byte[] payload = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
            GithubApiStandIn.Delivery failed = github.recordDelivery(hook, "guid-1", Instant.now(), 502, "push", 1L,
                    payload);
            assertThat(received).as("a recorded failure is not sent").isEmpty();

            HttpResponse<String> attempt = send(request("/orgs/acme/hooks/" + hook + "/deliveries/" + failed.id()
                    + "/attempts").POST(HttpRequest.BodyPublishers.noBody()));

            assertThat(attempt.statusCode()).isEqualTo(202);
            assertThat(received).containsExactly(Map.of("event", "push", "guid", "guid-1",
                    "signature", Webhooks.sign("hook-secret", payload), "body", "{\"ref\":\"refs/heads/main\"}"));
            JsonNode after = JSON.readTree(get("/orgs/acme/hooks/" + hook + "/deliveries").body());
            assertThat(after.get(0).get("guid").asString()).isEqualTo("guid-1");
            assertThat(after.get(0).get("redelivery").asBoolean()).isTrue();
            assertThat(after.get(0).get("status_code").asInt()).as("the endpoint's answer").isEqualTo(202);
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    void servesTheRepositoryOverGitBesideTheApi(@TempDir Path clone) throws Exception {
        github.createRepository("octocat/hello-world");
        String tip = github.commit("octocat/hello-world", "main", "a.txt", "a");
        Collection<Ref> refs = Git.lsRemoteRepository()
                .setRemote(github.baseUri() + "/octocat/hello-world.git").call();
        assertThat(refs).extracting(r -> r.getObjectId() == null ? null : r.getObjectId().getName())
                .contains(tip);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(github.apiUri() + path)).header("Authorization", "Bearer " + TOKEN)
                .header("Accept", "application/vnd.github+json");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(request(path));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int remaining(HttpResponse<?> response) {
        return Integer.parseInt(response.headers().firstValue("x-ratelimit-remaining").orElseThrow());
    }

}
