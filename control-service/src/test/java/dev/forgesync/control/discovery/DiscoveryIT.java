package dev.forgesync.control.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.control.sources.NewSource;
import dev.forgesync.control.sources.SourceStore;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.requests.outbox.SupersededUrl;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import dev.forgesync.testsupport.github.GithubApiServlet;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * Discovery against the GitHub stand-in, on a database of its own and the run's Kafka broker: whole organisations
 * and other owners' starred repositories are registered and requested, the next pass costs only 304s, renames update
 * the row, a spent rate limit pauses discovery until the reset, and sources are managed over {@code /api/sources}.
 * Self-healing redelivery runs in the same context (it reads the sources' webhooks through the same client).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryIT {

    static final String ADMIN = "admin-token-discovery-0123456789";
    static final String READ = "read-token-discovery-0123456789";
    static final String TOKEN = "ghp_discovery_standin_token";
    static final TestDatabase DB = migrated();
    static final GithubApiStandIn GITHUB = GithubApiStandIn.start(tempDir(), TOKEN);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.register(registry, DB, GITHUB);
        registry.add("forgesync.ops.admin-token", () -> ADMIN);
        registry.add("forgesync.ops.read-token", () -> READ);
        registry.add("forgesync.github.token", () -> TOKEN);
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.freshness.enabled", () -> "false");
        registry.add("forgesync.healing.enabled", () -> "false");
        registry.add("forgesync.sources", () -> "org:seeded-org,starred:seeded-user");
    }

    @LocalServerPort
    int port;

    @Autowired
    DiscoveryLoop loop;

    @Autowired
    SourceStore sources;

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE sources, sync_logs, webhook_events, repositories RESTART IDENTITY CASCADE").update();
        GITHUB.rateLimit(5000, 5000, Instant.now().plusSeconds(3600));
        GITHUB.clearApiRequests();
    }

    @AfterAll
    static void stopGithub() {
        GITHUB.close();
    }

    @Test
    void registersAndRequestsAnOrganisationOf250RepositoriesInOnePassAndTheNextPassCostsOnly304s() {
        GITHUB.createOrg("big-org");
        for (int i = 0; i < 250; i++) {
            GITHUB.createRepository("big-org/repo-" + i);
        }
        sources.add(NewSource.parse("org:big-org"), false);

        List<DiscoveryPass.Outcome> first = loop.runOnce();
        assertThat(first).singleElement().satisfies(o -> {
            assertThat(o.found()).isEqualTo(250);
            assertThat(o.registered()).isEqualTo(250);
            assertThat(o.pages()).isEqualTo(3);
        });
        assertThat(count("SELECT COUNT(*) FROM repositories WHERE github_owner = 'big-org' AND sync_status = 'pending'"))
                .isEqualTo(250);
        assertThat(count("SELECT COUNT(*) FROM webhook_events WHERE event_type = 'discovered'")).isEqualTo(250);
        Set<Long> ids = jdbc.sql("SELECT id FROM repositories").query(Long.class).set();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(discoveredOnKafka(ids)).isEqualTo(ids));

        GITHUB.clearApiRequests();
        List<DiscoveryPass.Outcome> second = loop.runOnce();
        assertThat(second).singleElement().satisfies(o -> {
            assertThat(o.registered()).isZero();
            assertThat(o.notModifiedPages()).isEqualTo(3);
        });
        assertThat(GITHUB.apiRequests()).extracting(GithubApiServlet.Exchange::status).containsOnly(304);
        assertThat(count("SELECT COUNT(*) FROM webhook_events WHERE event_type = 'discovered'")).isEqualTo(250);
    }

    @Test
    void registersAStarredRepositoryOfAnotherOwner() {
        GITHUB.createRepository("torvalds/subsurface");
        GITHUB.star("stargazer", "torvalds/subsurface");
        sources.add(NewSource.parse("starred:stargazer"), false);

        loop.runOnce();

        assertThat(jdbc.sql("SELECT github_full_name FROM repositories").query(String.class).list())
                .containsExactly("torvalds/subsurface");
    }

    @Test
    void appliesGlobsAndTheForksFlagAndNeverDeletesARepositoryThatLeftTheSource() {
        GITHUB.createOrg("globs");
        GITHUB.createRepository("globs/service-a");
        GITHUB.createRepository("globs/service-legacy");
        GITHUB.createRepository("globs/tool");
        GITHUB.createRepository("globs/service-fork", new GithubApiStandIn.RepoOptions(true, false, false));
        sources.add(new NewSource(dev.forgesync.control.sources.SourceKind.ORG, "globs", List.of("service-*"),
                List.of("*-legacy"), false, true, null), false);

        loop.runOnce();
        assertThat(names()).containsExactly("globs/service-a");

        GITHUB.delete("globs/service-a");
        loop.runOnce();
        assertThat(names()).containsExactly("globs/service-a");
    }

    @Test
    void aRenamedRepositoryUpdatesItsRowInsteadOfAddingOne() {
        GITHUB.createOrg("renames");
        GITHUB.createRepository("renames/before");
        sources.add(NewSource.parse("org:renames"), false);
        loop.runOnce();

        GITHUB.rename("renames/before", "renames/after");
        loop.runOnce();

        assertThat(names()).containsExactly("renames/after");
        assertThat(jdbc.sql("SELECT github_url FROM repositories").query(String.class).single())
                .isEqualTo(GITHUB.baseUri() + "/renames/after");
    }

    @Test
    void aNewRepositoryThatTakesADeletedOnesNameIsRegisteredAndTheOldMirrorIsKeptStopped() {
        GITHUB.createOrg("reused");
        long oldGithubId = GITHUB.createRepository("reused/name").id();
        sources.add(NewSource.parse("org:reused"), false);
        loop.runOnce();
        long oldRow = jdbc.sql("SELECT id FROM repositories").query(Long.class).single();

        GITHUB.delete("reused/name");
        long newGithubId = GITHUB.createRepository("reused/name").id();
        List<DiscoveryPass.Outcome> pass = loop.runOnce();

        assertThat(pass).singleElement().satisfies(o -> assertThat(o.registered()).isEqualTo(1));
        long newRow = jdbc.sql("SELECT id FROM repositories WHERE github_repo_id = ?").param(newGithubId)
                .query(Long.class).single();
        assertThat(jdbc.sql("SELECT github_url FROM repositories WHERE id = ?").param(newRow).query(String.class)
                .single()).isEqualTo(GITHUB.baseUri() + "/reused/name");
        assertThat(jdbc.sql("SELECT github_url || ' ' || github_repo_id || ' ' || (metadata ->> 'sync_stopped') "
                + "FROM repositories WHERE id = ?").param(oldRow).query(String.class).single())
                .as("the old row keeps its GitHub id and its mirror, gives the URL up and is stopped")
                .isEqualTo(GITHUB.baseUri() + "/reused/name#superseded-" + oldRow + " " + oldGithubId + " "
                        + SupersededUrl.REASON);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discoveredOnKafka(Set.of(newRow))).containsExactly(newRow));
    }

    @Test
    void aRepositoryRenamedIntoTheNameOfADeletedOneTakesTheUrlOver() {
        GITHUB.createOrg("swap");
        long goneGithubId = GITHUB.createRepository("swap/main-name").id();
        long renamedGithubId = GITHUB.createRepository("swap/side-name").id();
        sources.add(NewSource.parse("org:swap"), false);
        loop.runOnce();

        GITHUB.delete("swap/main-name");
        GITHUB.rename("swap/side-name", "swap/main-name");
        loop.runOnce();

        assertThat(jdbc.sql("SELECT github_url FROM repositories WHERE github_repo_id = ?").param(renamedGithubId)
                .query(String.class).single()).isEqualTo(GITHUB.baseUri() + "/swap/main-name");
        assertThat(jdbc.sql("SELECT metadata ->> 'sync_stopped' FROM repositories WHERE github_repo_id = ?")
                .param(goneGithubId).query(String.class).single()).isEqualTo(SupersededUrl.REASON);
        assertThat(count("SELECT COUNT(*) FROM repositories")).isEqualTo(2);
    }

    @Test
    void aSpentRateLimitPausesDiscoveryUntilTheResetWithNoRequestInBetween() {
        GITHUB.createOrg("limited");
        GITHUB.createRepository("limited/one");
        sources.add(NewSource.parse("org:limited"), false);
        Instant reset = Instant.now().plusSeconds(3);
        GITHUB.rateLimit(5000, 0, reset);

        loop.runOnce();

        List<GithubApiServlet.Exchange> exchanges = GITHUB.apiRequests();
        assertThat(exchanges).extracting(GithubApiServlet.Exchange::status).containsExactly(403, 200);
        assertThat(Instant.now()).as("the reset GitHub announced (whole seconds)")
                .isAfterOrEqualTo(reset.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(names()).containsExactly("limited/one");
    }

    @Test
    void seedsTheConfiguredSourcesAndManagesSourcesOverTheApi() throws Exception {
        loop.seed();
        assertThat(sources.all()).extracting(s -> s.kind().dbValue() + ":" + s.name())
                .containsExactly("org:seeded-org", "starred:seeded-user");

        HttpResponse<String> created = send("POST", "/api/sources", ADMIN,
                "{\"kind\":\"repository\",\"name\":\"acme/widget\",\"include\":[],\"forks\":false}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"name\":\"acme/widget\"").contains("\"kind\":\"REPOSITORY\"");
        assertThat(send("POST", "/api/sources", ADMIN, "{\"kind\":\"repository\",\"name\":\"acme/widget\"}")
                .statusCode()).isEqualTo(409);
        assertThat(send("POST", "/api/sources", ADMIN, "{\"kind\":\"planet\",\"name\":\"x\"}").statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "/api/sources", READ, "{\"kind\":\"org\",\"name\":\"x\"}").statusCode())
                .isEqualTo(403);
        assertThat(send("GET", "/api/sources", READ, null).body()).contains("acme/widget", "seeded-org");

        long id = sources.find(dev.forgesync.control.sources.SourceKind.REPOSITORY, "acme/widget").orElseThrow().id();
        assertThat(send("DELETE", "/api/sources/" + id, ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", "/api/sources/" + id, ADMIN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aSourceTakesAMirrorModeAndRefGlobsShowsThemAndRefusesBadOnesWithAClearMessage() throws Exception {
        HttpResponse<String> created = send("POST", "/api/sources", ADMIN, """
                {"kind": "org", "name": "strict-org", "mirrorMode": "exact",
                 "refs": {"branches": {"include": ["main", "release/**"], "exclude": ["**/wip"]},
                          "tags": {"exclude": []}}}""");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"mirrorMode\":\"exact\"",
                "\"branches\":{\"include\":[\"main\",\"release/**\"],\"exclude\":[\"**/wip\"]}",
                "\"tags\":{\"include\":null,\"exclude\":[]}");
        assertThat(sources.find(dev.forgesync.control.sources.SourceKind.ORG, "strict-org")).hasValueSatisfying(s -> {
            assertThat(s.policy().branchesInclude()).containsExactly("main", "release/**");
            assertThat(s.policy().tagsInclude()).as("null: the global list").isNull();
            assertThat(s.policy().tagsExclude()).as("empty: a list of its own").isEmpty();
        });
        assertThat(send("GET", "/api/sources", READ, null).body()).contains("\"mirrorMode\":\"exact\"");
        assertThat(send("POST", "/api/sources", ADMIN, "{\"kind\":\"org\",\"name\":\"plain-org\"}").body())
                .contains("\"mirrorMode\":null", "\"refs\":null");

        assertRefused("{\"kind\":\"org\",\"name\":\"o1\",\"mirrorMode\":\"mirror\"}",
                "'mirrorMode' must be vault or exact, not 'mirror'");
        assertRefused("{\"kind\":\"org\",\"name\":\"o2\",\"refs\":{\"branches\":{\"include\":[\"refs/heads/main\"]}}}",
                "'refs.branches.include' glob 'refs/heads/main' must name a branch or tag without refs/heads/");
        assertRefused("{\"kind\":\"org\",\"name\":\"o3\",\"refs\":{\"tags\":{\"exclude\":[\"v[0-9]*\"]}}}",
                "'refs.tags.exclude' glob 'v[0-9]*' contains what a git ref name cannot");
        assertRefused("{\"kind\":\"org\",\"name\":\"o4\",\"refs\":{\"include\":[\"main\"]}}",
                "'refs' has an unknown member 'include' (it takes branches and tags)");
        assertRefused("{\"kind\":\"org\",\"name\":\"o5\",\"refs\":{\"branches\":{\"include\":\"main\"}}}",
                "'refs.branches.include' must be an array of globs");
        assertThat(sources.all()).extracting(dev.forgesync.control.sources.Source::name)
                .containsExactly("strict-org", "plain-org");
    }

    @Test
    void discoveryLinksEachListedRepositoryToEverySourceThatListedItOnce() {
        GITHUB.createOrg("linked");
        GITHUB.createRepository("linked/shared");
        GITHUB.createRepository("linked/other");
        sources.add(NewSource.parse("org:linked"), false);
        sources.add(NewSource.parse("repository:linked/shared"), false);

        loop.runOnce();
        loop.runOnce();

        assertThat(jdbc.sql("""
                SELECT r.github_full_name || ' <- ' || s.kind || ':' || s.name FROM source_repositories sr
                JOIN repositories r ON r.id = sr.repository_id JOIN sources s ON s.id = sr.source_id""")
                .query(String.class).list()).containsExactlyInAnyOrder("linked/shared <- org:linked",
                "linked/other <- org:linked", "linked/shared <- repository:linked/shared");
    }

    private void assertRefused(String body, String message) throws Exception {
        HttpResponse<String> refused = send("POST", "/api/sources", ADMIN, body);
        assertThat(refused.statusCode()).as(body).isEqualTo(400);
        assertThat(refused.body()).contains("\"error\":\"invalid_source\"").contains(message);
    }

    @Test
    void theRepositoriesApiTellsEachRepositorysFreshness() throws Exception {
        GITHUB.createOrg("fresh-api");
        GITHUB.createRepository("fresh-api/one");
        GITHUB.createRepository("fresh-api/two");
        sources.add(NewSource.parse("org:fresh-api"), false);
        loop.runOnce();
        long one = jdbc.sql("SELECT id FROM repositories WHERE github_full_name = 'fresh-api/one'").query(Long.class)
                .single();
        jdbc.sql("INSERT INTO repository_freshness (repository_id, state, checked_at) VALUES (:id, 'fresh', NOW())")
                .param("id", one).update();

        String body = send("GET", "/api/repositories?owner=fresh-api", READ, null).body();

        assertThat(body).contains("\"githubFullName\":\"fresh-api/one\"", "\"freshness\":\"fresh\"",
                "\"freshness\":\"unchecked\"", "\"freshnessCheckedAt\":\"20");
        assertThat(send("GET", "/api/freshness", READ, null).body()).contains("\"fresh\":1");
    }

    @Test
    void redeliversOnceEachRecentFailedDeliveryThatNeverReachedWebhookEvents() throws Exception {
        GITHUB.createOrg("hooked");
        long hook = GITHUB.createHook("hooked", null, "https://forgesync.example/webhooks/github");
        Instant now = Instant.now();
        GITHUB.recordDelivery(hook, "delivered-ok", now.minusSeconds(300), 202, "push", null, 1L);
        GITHUB.recordDelivery(hook, "failed-missing", now.minusSeconds(200), 503, "push", null, 1L);
        GITHUB.recordDelivery(hook, "failed-but-stored", now.minusSeconds(100), 504, "push", null, 1L);
        GITHUB.recordDelivery(hook, "failed-too-old", now.minus(Duration.ofDays(4)), 503, "push", null, 1L);
        jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed)
                VALUES ('failed-but-stored', 'push', 'failed-but-stored', '{}'::jsonb, 'sha256=x', TRUE)""").update();
        sources.add(NewSource.parse("org:hooked"), false);
        int attemptsBefore = GITHUB.redeliveryAttempts().size(); // the stand-in serves every test of the class

        assertThat(send("POST", "/api/healing/redeliveries", ADMIN, null).body())
                .isEqualTo("{\"redelivered\":[\"failed-missing\"]}");
        assertThat(send("POST", "/api/healing/redeliveries", ADMIN, null).body())
                .as("a delivery is redelivered once").isEqualTo("{\"redelivered\":[]}");
        assertThat(GITHUB.redeliveryAttempts().subList(attemptsBefore, GITHUB.redeliveryAttempts().size()))
                .extracting(GithubApiStandIn.Delivery::guid).containsExactly("failed-missing");
    }

    @Test
    void redeliveryReadsEveryPageOfDeliveriesUntilOneReachesPastTheWindow() throws Exception {
        GITHUB.createOrg("paged");
        long hook = GITHUB.createHook("paged", null, "https://forgesync.example/webhooks/github");
        Instant now = Instant.now();
        List<String> recent = new java.util.ArrayList<>();
        for (int i = 0; i < 230; i++) {
            GITHUB.recordDelivery(hook, "paged-" + i, now.minusSeconds(10 + i), 503, "push", null, 1L);
            recent.add("paged-" + i);
        }
        for (int i = 0; i < 150; i++) {
            GITHUB.recordDelivery(hook, "paged-old-" + i, now.minus(Duration.ofDays(4)).minusSeconds(i), 503, "push",
                    null, 1L);
        }
        sources.add(NewSource.parse("org:paged"), false);
        GITHUB.clearApiRequests();
        int attemptsBefore = GITHUB.redeliveryAttempts().size();

        // 100 a page, newest first: pages 1 and 2 are recent, page 3 holds the last 30 and reaches past the window.
        assertThat(send("POST", "/api/healing/redeliveries", ADMIN, null).body())
                .isEqualTo("{\"redelivered\":[" + recent.stream().map(g -> "\"" + g + "\"")
                        .collect(Collectors.joining(",")) + "]}");
        assertThat(GITHUB.apiRequests()).filteredOn(e -> e.pathAndQuery().contains("/hooks/" + hook + "/deliveries?"))
                .as("the pages read: not the fourth, all older than the window").hasSize(3);
        assertThat(send("POST", "/api/healing/redeliveries", ADMIN, null).body())
                .as("each delivery is redelivered once").isEqualTo("{\"redelivered\":[]}");
        assertThat(GITHUB.redeliveryAttempts().subList(attemptsBefore, GITHUB.redeliveryAttempts().size()))
                .extracting(GithubApiStandIn.Delivery::guid).containsExactlyInAnyOrderElementsOf(recent);
    }

    @Test
    void redeliveryNamesAnOrganisationGithubDoesNotKnowOnceAndHealsTheOtherSources(CapturedOutput output)
            throws Exception {
        GITHUB.createOrg("hooked-too");
        long hook = GITHUB.createHook("hooked-too", null, "https://forgesync.example/webhooks/github");
        GITHUB.recordDelivery(hook, "failed-elsewhere", Instant.now().minusSeconds(60), 503, "push", null, 1L);
        sources.add(NewSource.parse("org:no-such-org"), false);
        sources.add(NewSource.parse("org:hooked-too"), false);

        assertThat(send("POST", "/api/healing/redeliveries", ADMIN, null).body())
                .isEqualTo("{\"redelivered\":[\"failed-elsewhere\"]}");
        assertThat(send("POST", "/api/healing/redeliveries", ADMIN, null).body()).isEqualTo("{\"redelivered\":[]}");

        String warning = "redelivery: source org:no-such-org skipped until GitHub shows it again (GitHub answered 404 "
                + "to GET /orgs/no-such-org/hooks: Not Found): the organisation does not exist, or these credentials "
                + "may not see it";
        assertThat(output.getOut().split(java.util.regex.Pattern.quote(warning), -1)).as("said once").hasSize(2);
    }

    private Set<Long> discoveredOnKafka(Set<Long> ids) {
        return SyncRequestsTopic.readAll(TestKafka.bootstrapServers()).stream()
                .filter(p -> "discovered".equals(p.request().trigger()))
                .map(p -> p.request().repositoryId()).filter(ids::contains).collect(Collectors.toSet());
    }

    private List<String> names() {
        return jdbc.sql("SELECT github_full_name FROM repositories ORDER BY id").query(String.class).list();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("discovery");
        db.migrate();
        return db;
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("github-standin-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
