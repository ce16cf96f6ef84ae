package dev.forgesync.control.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.github.GithubApiServlet;
import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * The client against the GitHub stand-in: pagination, ETags (kept in a database of the test's own), both rate limits,
 * renames, the token's place.
 */
class GithubClientTest {

    private static final String TOKEN = "ghp_client_test_token_42";
    private static final TestDatabase DB = migrated();
    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private GithubApiStandIn github;
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final List<Integer> requestsWhenPaused = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start(@TempDir Path root) {
        jdbc.sql("TRUNCATE github_etags").update();
        github = GithubApiStandIn.start(root, TOKEN);
        github.createOrg("acme");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void listsEveryPageOfAnOrganisationAndTheSecondTimePaysOnlyWith304s() {
        for (int i = 0; i < 250; i++) {
            github.createRepository("acme/r" + i);
        }
        GithubClient client = client(10);
        GithubClient.Listing first = client.list("/orgs/acme/repos");
        assertThat(first.items()).hasSize(250);
        assertThat(first.pages()).isEqualTo(3);
        assertThat(first.notModifiedPages()).isZero();

        github.clearApiRequests();
        GithubClient.Listing second = client.list("/orgs/acme/repos");
        assertThat(second.items()).hasSize(250);
        assertThat(second.notModifiedPages()).isEqualTo(3);
        assertThat(github.apiRequests()).extracting(GithubApiServlet.Exchange::status).containsExactly(304, 304, 304);
    }

    @Test
    void waitsForTheResetBeforeSpendingTheReserveWithNoRequestInBetween() {
        github.createRepository("acme/widget");
        Instant reset = Instant.now().plusSeconds(2);
        github.rateLimit(5000, 3, reset);
        GithubClient client = client(2);
        assertThat(client.get("/repos/acme/widget").status()).isEqualTo(200);
        assertThat(pauses).isEmpty();

        int before = github.apiRequests().size();
        assertThat(client.get("/repos/acme/widget?again").status()).isEqualTo(200);
        assertThat(pauses).hasSize(1);
        assertThat(requestsWhenPaused).containsExactly(before);
        assertThat(github.apiRequests()).hasSize(before + 1);
    }

    @Test
    void waitsRetryAfterSecondsOnASecondaryLimitAndThenSucceeds() {
        github.createRepository("acme/widget");
        github.secondaryLimit(403, 1, 1);
        GithubResponse response = client(10).get("/repos/acme/widget");
        assertThat(response.status()).isEqualTo(200);
        assertThat(pauses).singleElement().satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(github.apiRequests()).extracting(GithubApiServlet.Exchange::status).containsExactly(403, 200);
    }

    @Test
    void followsARenamedRepositorysRedirectToItsNewName() {
        github.createRepository("acme/old");
        github.rename("acme/old", "acme/new");
        GithubResponse response = client(10).get("/repos/acme/old");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("full_name").asString()).isEqualTo("acme/new");
    }

    @Test
    void sendsTheTokenInAHeaderOnlyAndReportsARefusedOne(@TempDir Path dir) {
        github.createRepository("acme/widget");
        client(10).get("/repos/acme/widget");
        assertThat(github.requests()).extracting(GitHttpServer.Request::query)
                .allSatisfy(q -> assertThat(q == null ? "" : q).doesNotContain(TOKEN));
        GithubClient wrong = new GithubClient(properties("not-the-token", 10),
                GithubCredentials.token("not-the-token"), new EtagStore(DB.dataSource(), 10), Clock.systemUTC(),
                pauses::add);
        assertThat(wrong.get("/repos/acme/widget").status()).isEqualTo(401);
        assertThat(properties(TOKEN, 10).toString()).doesNotContain(TOKEN);
    }

    @Test
    void keepsTheNewestAnswersInTheDatabaseSoANewClientStillAsksConditionallyAndStoresNoToken() {
        for (String name : List.of("one", "two", "three")) {
            github.createRepository("acme/" + name);
        }
        GithubClient before = client(10, 2);
        List.of("one", "two", "three").forEach(name -> before.get("/repos/acme/" + name));
        assertThat(jdbc.sql("SELECT url FROM github_etags").query(String.class).list())
                .as("the least recently used went first").hasSize(2)
                .allSatisfy(url -> assertThat(url).doesNotEndWith("/one"));

        github.clearApiRequests();
        GithubClient after = client(10, 2);
        GithubResponse again = after.get("/repos/acme/three");
        assertThat(again.notModified()).isTrue();
        assertThat(again.body().get("full_name").asString()).isEqualTo("acme/three");
        assertThat(github.apiRequests()).extracting(GithubApiServlet.Exchange::status).containsExactly(304);
        assertThat(jdbc.sql("SELECT concat_ws(' ', url, etag, next_url) FROM github_etags").query(String.class)
                .list()).noneSatisfy(row -> assertThat(row).contains(TOKEN));
    }

    @Test
    void answersWhenTheEtagDatabaseIsDownByAskingUnconditionally() {
        github.createRepository("acme/widget");
        org.postgresql.ds.PGSimpleDataSource down = new org.postgresql.ds.PGSimpleDataSource();
        down.setUrl("jdbc:postgresql://127.0.0.1:" + dev.forgesync.control.ControlContexts.freePort() + "/nothing");
        GithubClient client = new GithubClient(properties(TOKEN, 10), GithubCredentials.token(TOKEN),
                new EtagStore(down, 10), Clock.systemUTC(), pauses::add);

        assertThat(client.get("/repos/acme/widget").status()).isEqualTo(200);
        assertThat(client.get("/repos/acme/widget").status()).isEqualTo(200);
        assertThat(github.apiRequests()).extracting(GithubApiServlet.Exchange::status).containsExactly(200, 200);
    }

    private GithubClient client(int reserve) {
        return client(reserve, 1000);
    }

    private GithubClient client(int reserve, int etagEntries) {
        return new GithubClient(properties(TOKEN, reserve), GithubCredentials.token(TOKEN),
                new EtagStore(DB.dataSource(), etagEntries), Clock.systemUTC(), duration -> {
            requestsWhenPaused.add(github.apiRequests().size());
            pauses.add(duration);
            Instant until = Instant.now().plus(duration);
            await().atMost(duration.plusSeconds(5)).until(() -> !Instant.now().isBefore(until));
        });
    }

    private GithubProperties properties(String token, int reserve) {
        return new GithubProperties(github.apiUri(), URI.create(github.baseUri().toString()), token, null, null, null,
                Duration.ofMinutes(5), reserve,
                Duration.ofMinutes(1), Duration.ofSeconds(10), 1000, 100);
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("githubclient");
        db.migrate();
        return db;
    }
}
