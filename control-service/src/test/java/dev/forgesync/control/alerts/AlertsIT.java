package dev.forgesync.control.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.testsupport.TestDatabase;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts to a real HTTP endpoint (the JDK's server, recording what it receives), on a database of its own: each
 * change of a repository's condition sends exactly one alert, recovery sends one, nothing is sent twice, the cap
 * holds changes back without losing them, and no alert carries a token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class AlertsIT {

    static final TestDatabase DB = migrated();
    static final List<JsonNode> RECEIVED = new CopyOnWriteArrayList<>();
    static final HttpServer ENDPOINT = endpoint();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
        DB.springProperties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.freshness.enabled", () -> "false");
        registry.add("forgesync.github.token", () -> "ghp_never_in_an_alert");
        registry.add("forgesync.alert.webhook-url",
                () -> "http://127.0.0.1:" + ENDPOINT.getAddress().getPort() + "/services/T000/B000/secret");
        registry.add("forgesync.alert.scan-interval", () -> "1h");
        registry.add("forgesync.alert.stale-after", () -> "1m");
        registry.add("forgesync.alert.max-per-minute", () -> "100");
    }

    @Autowired
    Alerts alerts;

    @Autowired
    AlertStore store;

    @Autowired
    AlertProperties properties;

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE sync_logs, webhook_events, repositories RESTART IDENTITY CASCADE").update();
        RECEIVED.clear();
    }

    @AfterAll
    static void stopEndpoint() {
        ENDPOINT.stop(0);
    }

    @Test
    void eachStateChangeSendsExactlyOneAlertAndRecoverySendsOne() {
        long id = repository("acme/widget", "completed");
        freshness(id, "fresh", "NOW()");
        assertThat(alerts.scanOnce()).isZero();

        freshness(id, "source_gone", "NOW()");
        assertThat(alerts.scanOnce()).isEqualTo(1);
        assertThat(alerts.scanOnce()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVED.size() == 1);
        assertThat(RECEIVED.get(0).get("text").asString()).startsWith("forgesync: acme/widget is source gone");
        assertThat(RECEIVED.get(0).get("forgesync").get("condition").asString()).isEqualTo("source_gone");

        freshness(id, "auth_broken", "NOW()");
        assertThat(alerts.scanOnce()).isEqualTo(1);
        freshness(id, "fresh", "NOW()");
        assertThat(alerts.scanOnce()).isEqualTo(1);
        assertThat(alerts.scanOnce()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVED.size() == 3);
        assertThat(RECEIVED).extracting(n -> n.get("forgesync").get("condition").asString())
                .containsExactly("source_gone", "auth_broken", "recovered");
        assertThat(RECEIVED).allSatisfy(n -> assertThat(n.toString()).doesNotContain("ghp_never_in_an_alert"));
    }

    @Test
    void alertsStaleOnlyAfterStaleAfterAndPermanentFailureWithoutAFreshnessRow() {
        long recent = repository("acme/recent", "pending");
        freshness(recent, "stale", "NOW()");
        long old = repository("acme/old", "pending");
        freshness(old, "stale", "NOW() - INTERVAL '2 minutes'");
        long broken = repository("acme/broken", "permanent_failure");

        assertThat(alerts.scanOnce()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVED.size() == 2);
        assertThat(RECEIVED).extracting(n -> n.get("forgesync").get("repositoryId").asLong())
                .containsExactlyInAnyOrder(old, broken);
    }

    @Test
    void theCapHoldsChangesBackForALaterScanAndLosesNone() {
        for (int i = 0; i < 5; i++) {
            repository("capped/r" + i, "permanent_failure");
        }
        Alerts capped = new Alerts(new AlertProperties(properties.webhookUrl(), properties.staleAfter(),
                properties.scanInterval(), 3, properties.timeout()), store);
        assertThat(capped.scanOnce()).isEqualTo(3);
        assertThat(capped.scanOnce()).as("the minute's budget is spent").isZero();
        assertThat(alerted()).isEqualTo(3);

        assertThat(alerts.scanOnce()).as("the held-back changes, by the next scan with budget").isEqualTo(2);
        assertThat(alerted()).isEqualTo(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> RECEIVED.size() == 5);
    }

    private long alerted() {
        return jdbc.sql("SELECT COUNT(*) FROM repository_freshness WHERE alerted_state = 'permanent_failure'")
                .query(Long.class).single();
    }

    private long repository(String fullName, String status) {
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status)
                VALUES (:url, :name, :owner, :fullName, :status) RETURNING id""")
                .param("url", "https://github.com/" + fullName).param("name", fullName.split("/")[1])
                .param("owner", fullName.split("/")[0]).param("fullName", fullName).param("status", status)
                .query(Long.class).single();
    }

    private void freshness(long id, String state, String since) {
        jdbc.sql("""
                INSERT INTO repository_freshness (repository_id, state, state_since) VALUES (:id, :state, %s)
                ON CONFLICT (repository_id) DO UPDATE SET state = EXCLUDED.state, state_since = EXCLUDED.state_since
                """.formatted(since)).param("id", id).param("state", state).update();
    }

    private static HttpServer endpoint() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                RECEIVED.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("alerts");
        db.migrate();
        return db;
    }
}
