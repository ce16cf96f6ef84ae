package dev.forgesync.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;

/**
 * The status page in a real browser (headless Chromium through Selenium) against a running control-service on its
 * own migrated PostgreSQL database and the tests' Kafka broker. Screenshots land in {@code target/screenshots/}.
 */
class StatusPageBrowserIT {

    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";
    static final String TOPIC_FOR_LAG = "forgesync.status-page-lag-" + UUID.randomUUID();

    static TestDatabase db;
    static StatusData data;
    static ConfigurableApplicationContext app;
    static String base;
    static long completed;
    static long permanent;

    static Browser browser;

    @BeforeAll
    static void startControlService() {
        db = TestDatabase.create("statuspage");
        db.migrate();
        data = new StatusData(JdbcClient.create(db.dataSource()));
        seed();
        Map<String, Object> overrides = new HashMap<>(db.springProperties());
        overrides.put("forgesync.ops.admin-token", ADMIN);
        overrides.put("forgesync.ops.read-token", READ);
        overrides.put("forgesync.web.refresh", "0s");
        overrides.put("forgesync.web.page-size", "10");
        // The outbox backlog stays as seeded (the relay would publish it); Resync publishes on its own after commit.
        overrides.put("forgesync.relay.enabled", "false");
        app = ControlContexts.start(overrides);
        base = "http://127.0.0.1:" + ControlContexts.port(app);
        browser = new Browser(base, 1280, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    /** Each test starts signed out, in one browser (a Chromium start costs seconds on a busy machine). */
    @BeforeEach
    void signedOut() {
        browser.forgetSession();
    }

    /** 27 repositories in every status, a day of sync steps and webhooks, and a small outbox backlog. */
    static void seed() {
        Instant now = Instant.now();
        String[] statuses = {"completed", "completed", "completed", "pending", "in_progress", "failed", "permanent_failure"};
        String[] owners = {"apache", "spring-projects", "eclipse", "torvalds"};
        for (int i = 0; i < 27; i++) {
            String status = statuses[i % statuses.length];
            String name = owners[i % owners.length] + "/project-" + (char) ('a' + i);
            long id = data.repository(name, status);
            for (int h = 0; h < 24; h += 1 + i % 5) {
                Instant at = now.minus(h, ChronoUnit.HOURS).minus(i, ChronoUnit.MINUTES);
                data.step(id, "sync_started", "in_progress", null, null, null, at.minusSeconds(30));
                data.step(id, "clone_completed", "success", 0.4 + i * 0.05, 20_000L + i * 1500, null, at.minusSeconds(20));
                if ((i + h) % 6 == 5) {
                    data.step(id, "sync_failed", "failure", 1.0, null, i % 2 == 0 ? "github_unreachable" : "onedev_5xx", at);
                } else {
                    data.step(id, "sync_completed", "success", 0.8 + (i * h % 9) * 0.3, 40_000L + i * 1000, null, at);
                }
                data.webhook(id, name, h % 3 == 0 ? "push" : "watch", true, at.minusSeconds(40));
            }
        }
        completed = data.repository("octo-org/hello-forgesync", "completed");
        data.step(completed, "sync_started", "in_progress", null, null, null, now.minusSeconds(90));
        data.step(completed, "push_completed", "success", 1.25, 123_456L, null, now.minusSeconds(80));
        data.step(completed, "sync_completed", "success", 2.5, 123_456L, null, now.minusSeconds(80));
        data.webhook(completed, "octo-org/hello-forgesync", "watch", true, now.minusSeconds(100));
        permanent = data.repository("octo-org/gone-repository", "permanent_failure");
        data.step(permanent, "sync_failed", "failure", 0.3, null, "source_gone", now.minusSeconds(60));
        data.webhook(completed, "octo-org/hello-forgesync", "push", false, now.minusSeconds(5));
        data.webhook(completed, "octo-org/hello-forgesync", "push", false, now.minusSeconds(3));
    }

    @Test
    void adminSignsInAndTheOverviewCountsEqualTheDatabase() {
        browser.signIn(ADMIN);

        assertThat(browser.path()).isEqualTo("/");
        for (String status : List.of("pending", "in_progress", "completed", "failed", "permanent_failure")) {
            assertThat(number(browser.text("count-" + status))).as(status)
                    .isEqualTo(data.count("SELECT COUNT(*) FROM repositories WHERE sync_status = '" + status + "'"));
        }
        assertThat(number(browser.text("count-total"))).isEqualTo(data.count("SELECT COUNT(*) FROM repositories"));
        String window = "date_trunc('hour', NOW() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - INTERVAL '23 hours'";
        assertThat(number(browser.text("webhooks-total")))
                .isEqualTo(data.count("SELECT COUNT(*) FROM webhook_events WHERE received_at >= " + window));
        assertThat(number(browser.text("syncs-total"))).isEqualTo(data.count(
                "SELECT COUNT(*) FROM sync_logs WHERE event_type = 'sync_completed' AND created_at >= " + window));
        assertThat(number(browser.text("outbox-backlog")))
                .isEqualTo(data.count("SELECT COUNT(*) FROM webhook_events WHERE processed = FALSE"));
        assertThat(browser.driver().findElements(By.cssSelector("svg.chart rect.bar"))).hasSize(48);
        assertThat(browser.text("duration-p50")).endsWith(" s");
        assertThat(browser.driver().getPageSource()).contains("github_unreachable", "source_gone");
        browser.screenshot("overview");
    }

    @Test
    void theOverviewShowsTheSyncWorkersConsumerLagPerTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            produce(TOPIC_FOR_LAG, 7);
            TopicPartition partition = new TopicPartition(TOPIC_FOR_LAG, 0);
            admin.alterConsumerGroupOffsets("forgesync-sync-workers", Map.of(partition, new OffsetAndMetadata(2)))
                    .all().get();
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
            long expected = end - 2;

            browser.signIn(READ);

            WebElement lag = browser.driver().findElement(By.cssSelector("dd.lag[data-topic='" + TOPIC_FOR_LAG + "']"));
            assertThat(number(lag.getText())).isEqualTo(expected).isPositive();
        }
    }

    @Test
    void searchFindsARepositoryAndItsPageShowsTheSyncTimeline() {
        browser.signIn(READ);
        browser.open("/repositories");
        browser.driver().findElement(By.id("q")).sendKeys("hello-forge");
        browser.follow(browser.driver().findElement(By.cssSelector("form.filters button")));

        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#repositories tbody tr"));
        assertThat(rows).extracting(WebElement::getText).singleElement().asString().contains("octo-org/hello-forgesync");
        browser.follow(browser.driver().findElement(By.linkText("octo-org/hello-forgesync")));

        assertThat(browser.path()).isEqualTo("/repositories/" + completed);
        assertThat(browser.driver().findElements(By.cssSelector("#timeline tbody tr"))).hasSize(3);
        assertThat(browser.driver().findElement(By.id("timeline")).getText()).contains("push completed", "1.25 s", "120.6 KB");
        assertThat(browser.driver().findElements(By.cssSelector("#webhooks tbody tr"))).hasSize(3);
        assertThat(browser.text("webhooks")).contains("waiting in the outbox", "published");
        browser.screenshot("repository");
    }

    @Test
    void theRepositoryListFiltersByStatusAndPagesByKeyset() {
        browser.signIn(READ);
        browser.open("/repositories?status=completed");

        List<String> seen = new java.util.ArrayList<>(names());
        while (browser.has(By.id("next-page"))) {
            browser.follow(browser.driver().findElement(By.id("next-page")));
            seen.addAll(names());
        }
        assertThat(seen).doesNotHaveDuplicates()
                .hasSize((int) data.count("SELECT COUNT(*) FROM repositories WHERE sync_status = 'completed'"));
    }

    @Test
    void theRepositoryPageListsTheArchivedTipsAndTheRefsRefusedInTheLatestSync() {
        long id = data.repository("octo-org/vaulted", "completed");
        String old = "4b7d9a3c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7";
        String next = "9f2c1e0d1c2b3a49586776a5b4c3d2e1f0a9b8c7";
        String gone = "77a0b41f00112233445566778899aabbccddeeff";
        data.logged(id, "push_started", "in_progress", null, null, "{}");
        data.logged(id, "push_completed", "success", null, null, """
                {"archived": [{"ref": "refs/heads/main", "archive": "refs/heads/forgesync/archive/main/20261202T101500Z",
                               "oldTip": "%s", "newTip": "%s", "reason": "force-pushed"},
                              {"ref": "refs/heads/feature/x",
                               "archive": "refs/heads/forgesync/archive/feature/x/20261202T101500Z",
                               "oldTip": "%s", "newTip": null, "reason": "deleted"}]}""".formatted(old, next, gone));
        data.logged(id, "push_completed", "failure", "ref_rejected", "Cannot force-push to this branch",
                "{\"ref\": \"refs/heads/protected\"}");
        data.refCounts(id, 1, 2);
        browser.signIn(READ);

        browser.open("/repositories/" + id);

        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#archived tbody tr"));
        assertThat(rows).extracting(WebElement::getText).hasSize(2).anySatisfy(row -> assertThat(row)
                .contains("refs/heads/main", "force-pushed", old.substring(0, 12), next.substring(0, 12),
                        "refs/heads/forgesync/archive/main/20261202T101500Z"))
                .anySatisfy(row -> assertThat(row).contains("refs/heads/feature/x", "deleted", gone.substring(0, 12),
                        "refs/heads/forgesync/archive/feature/x/20261202T101500Z"));
        assertThat(browser.text("archived-refs")).isEqualTo("2");
        assertThat(browser.text("rejected-refs")).isEqualTo("1 in the latest sync (partial)");
        assertThat(browser.text("rejected")).contains("refs/heads/protected", "Cannot force-push to this branch");
        browser.screenshot("repository-vault");

        browser.open("/repositories/" + completed);
        assertThat(browser.has(By.id("no-archived"))).isTrue();
        assertThat(browser.has(By.id("rejected"))).isFalse();
    }

    @Test
    void theRepositoryListFiltersOnThePartialState() {
        long partial = data.repository("octo-org/partially-refused", "completed");
        data.refCounts(partial, 3, 0);
        browser.signIn(READ);
        browser.open("/repositories");

        browser.driver().findElement(By.id("partial")).click();
        browser.follow(browser.driver().findElement(By.cssSelector("form.filters button")));

        assertThat(browser.driver().getCurrentUrl()).contains("partial=true");
        assertThat(names()).containsExactly("octo-org/partially-refused");
        assertThat(browser.text("repositories")).contains("partial: 3 refused");
        browser.open("/repositories?partial=maybe");
        assertThat(browser.driver().getPageSource()).contains("'partial' must be true or absent.");
    }

    @Test
    void theSourcesPageShowsEachSourcesMirrorModeAndRefGlobs() {
        long strict = data.source("org", "strict-org", "exact", "{main,release/**}", "{**/wip}");
        long plain = data.source("starred", "octocat", null, null, null);
        browser.signIn(READ);

        browser.open("/sources");

        WebElement strictRow = browser.driver().findElement(By.cssSelector("#sources tr[data-id='" + strict + "']"));
        assertThat(strictRow.getText()).contains("org:strict-org", "exact", "include: main, release/**",
                "exclude: **/wip");
        assertThat(strictRow.findElement(By.cssSelector("td.tags")).getText())
                .contains("include: global", "exclude: global");
        WebElement plainRow = browser.driver().findElement(By.cssSelector("#sources tr[data-id='" + plain + "']"));
        assertThat(plainRow.findElement(By.cssSelector("td.mode")).getText()).isEqualTo("global");
        assertThat(plainRow.getText()).contains("starred:octocat", "not yet");
        browser.screenshot("sources");
    }

    @Test
    void resyncTurnsTheRepositoryPendingAndARequestReachesKafka() {
        long id = data.repository("octo-org/resync-me", "completed");
        browser.signIn(ADMIN);
        browser.open("/repositories/" + id);
        browser.follow(browser.driver().findElement(By.id("resync")));

        assertThat(browser.text("notice")).contains("Resync requested");
        assertThat(browser.text("sync-status")).isEqualTo("pending");
        assertThat(data.status(id)).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(SyncRequestsTopic.readAll(TestKafka.bootstrapServers()))
                        .anySatisfy(p -> assertThat(p.key()).isEqualTo(Long.toString(id))));
    }

    @Test
    void retryOnTheFailuresPageGivesAPermanentFailureItsRetriesBack() {
        long id = data.repository("octo-org/retry-me", "permanent_failure");
        browser.signIn(ADMIN);
        browser.open("/failures");
        WebElement row = browser.driver().findElement(By.cssSelector("#failures tr[data-id='" + id + "']"));
        assertThat(browser.driver().findElements(By.cssSelector("#failures tbody tr")).get(0).getAttribute("data-id"))
                .as("newest first").isEqualTo(Long.toString(id));
        browser.follow(row.findElement(By.tagName("button")));

        assertThat(browser.path()).startsWith("/failures");
        assertThat(browser.text("notice")).contains("Retry requested");
        assertThat(data.status(id)).isEqualTo("pending");
    }

    @Test
    void aReadOnlySignInSeesNoButtonsAndAForgedPostIsRefused() {
        browser.signIn(READ);
        browser.open("/repositories/" + permanent);
        assertThat(browser.has(By.id("resync"))).isFalse();
        assertThat(browser.has(By.id("retry"))).isFalse();
        browser.open("/failures");
        assertThat(browser.has(By.cssSelector("#failures button"))).isFalse();

        // The read-only session's own CSRF token, put on a hand-made form: the role still refuses it.
        browser.driver().executeScript("""
                const f = document.createElement('form');
                f.method = 'post'; f.action = '/repositories/' + arguments[0] + '/retry';
                const t = document.querySelector('form.signout input[name="_csrf"]').cloneNode();
                f.appendChild(t); document.body.appendChild(f); f.submit();""", permanent);
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.has(By.id("forbidden")));
        assertThat(data.status(permanent)).isEqualTo("permanent_failure");
        browser.screenshot("forbidden");
    }

    @Test
    void anAdminPostWithoutTheCsrfTokenIsRefused() {
        long id = data.repository("octo-org/forged-from-elsewhere", "completed");
        browser.signIn(ADMIN);
        browser.open("/repositories/" + id);
        browser.driver().executeScript("""
                const f = document.createElement('form');
                f.method = 'post'; f.action = '/repositories/' + arguments[0] + '/resync';
                document.body.appendChild(f); f.submit();""", id);
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.has(By.id("forbidden")));
        assertThat(data.status(id)).isEqualTo("completed");
    }

    @Test
    void aWrongTokenIsRefusedAndTheTokenNeverReachesTheUrlOrThePage() {
        browser.signIn("wrong-token-0123456789abcdef");
        assertThat(browser.has(By.id("signin-error"))).isTrue();
        browser.open("/");
        assertThat(browser.path()).isEqualTo("/signin");
        browser.screenshot("signin-refused");

        browser.signIn(ADMIN);
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(ADMIN);
        assertThat(browser.driver().getPageSource()).doesNotContain(ADMIN);
        Cookie session = browser.driver().manage().getCookies().stream().filter(c -> c.getName().equals("FORGESYNC_SESSION"))
                .findFirst().orElseThrow();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getValue()).doesNotContain(ADMIN);
    }

    private List<String> names() {
        return browser.driver().findElements(By.cssSelector("#repositories a.repo")).stream().map(WebElement::getText).toList();
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", "").strip());
    }

    private static void produce(String topic, int records) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
            }
        }
    }
}
