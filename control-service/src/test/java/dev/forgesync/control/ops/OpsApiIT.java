package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The ops API over real HTTP on its own migrated database (so other contexts' relays never touch its rows, and
 * counts are exact), with the relay off (unprocessed rows stay as written), a small replay bound and the retention
 * job scheduled every second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpsApiIT {

    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";
    static final TestDatabase DB = migrated();
    /** Small, so a handful of rows shows the cap that spares counting millions. */
    static final int COUNT_LIMIT = 3;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.properties().forEach((name, value) -> registry.add(name, () -> value));
        DB.springProperties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("forgesync.ops.admin-token", () -> ADMIN);
        registry.add("forgesync.ops.read-token", () -> READ);
        registry.add("forgesync.ops.max-replay-events", () -> "5");
        registry.add("forgesync.ops.count-limit", () -> String.valueOf(COUNT_LIMIT));
        registry.add("forgesync.relay.enabled", () -> "false");
        // Every second here, so the schedule is seen to run; no row of these tests is old enough to be removed.
        registry.add("forgesync.retention.cron", () -> "* * * * * *");
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private OpsClient api;
    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private final OpsData data = new OpsData(jdbc);

    @BeforeEach
    void cleanSlate() {
        api = new OpsClient(port);
        DB.truncateAll();
    }

    @Test
    void refusesMissingWrongAndNonBearerCredentialsWith401() {
        for (OpsClient.Answer answer : List.of(api.get("/api/syncs/statistics", null),
                api.get("/api/syncs/statistics", "wrong-token-0123456789abcdef"),
                api.get("/api/syncs/statistics", ADMIN + "x"),
                api.post("/api/repositories/1/resync", null, null))) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.error()).isEqualTo("unauthorized");
            assertThat(answer.response().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"forgesync-ops\"");
        }
    }

    @Test
    void readTokenReadsButCannotChangeAnything() {
        long id = data.repository("acme/read-only", "completed");

        assertThat(api.get("/api/repositories/" + id, READ).status()).isEqualTo(200);
        for (String path : List.of("/api/repositories/" + id + "/resync", "/api/repositories/" + id + "/retry",
                "/api/webhooks/replay")) {
            OpsClient.Answer answer = api.post(path, READ, "{\"deliveryIds\":[\"x\"]}");
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.error()).isEqualTo("forbidden");
        }
        assertThat(status(id)).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events").query(Long.class).single()).isZero();
    }

    @Test
    void pendingListsThePendingOldestFirstFilteredByOwnerAndPaged() {
        long older = data.repository("acme/older", "pending");
        data.createdAt(older, OpsData.daysAgo(2));
        long newer = data.repository("acme/newer", "pending");
        data.repository("other/pending", "pending");
        data.repository("acme/done", "completed");

        JsonNode all = ok(api.get("/api/syncs/pending", READ));
        assertThat(ids(all)).hasSize(3).startsWith(older);
        JsonNode acme = ok(api.get("/api/syncs/pending?owner=acme", READ));
        assertThat(ids(acme)).containsExactly(older, newer);
        assertThat(acme.path("total").asLong()).isEqualTo(2);
        JsonNode secondPage = ok(api.get("/api/syncs/pending?owner=acme&page=1&size=1", READ));
        assertThat(ids(secondPage)).containsExactly(newer);
        assertThat(secondPage.path("total").asLong()).isEqualTo(2);
        assertThat(secondPage.path("items").get(0).path("githubFullName").asString()).isEqualTo("acme/newer");
    }

    @Test
    void failedListsThoseReadyForRetryAsTheSeedQueryDoesAndAllFailedOnRequest() {
        long due = data.repository("acme/due", "failed", 1, OpsData.daysAgo(1), null);
        long later = data.repository("acme/later", "failed", 1, Instant.now().plus(1, ChronoUnit.HOURS), null);
        long exhausted = data.repository("acme/exhausted", "failed", 3, OpsData.daysAgo(1), null);
        data.repository("acme/ok", "completed");

        assertThat(ids(ok(api.get("/api/syncs/failed", READ)))).containsExactly(due);
        JsonNode all = ok(api.get("/api/syncs/failed?all=true", READ));
        assertThat(ids(all)).containsExactlyInAnyOrder(due, later, exhausted);
        assertThat(all.path("items").findValues("dueNow").stream().filter(JsonNode::asBoolean).count()).isEqualTo(2);
    }

    @Test
    void statisticsCountEveryStatusIncludingEmptyOnes() {
        data.repository("acme/a", "completed", 0, null, null);
        data.repository("acme/b", "completed", 2, null, null);
        data.repository("acme/c", "failed", 1, null, null);

        JsonNode stats = ok(api.get("/api/syncs/statistics", READ));
        assertThat(stats.path("total").asLong()).isEqualTo(3);
        assertThat(stats.path("statuses")).hasSize(5);
        JsonNode completed = status(stats, "completed");
        assertThat(completed.path("count").asLong()).isEqualTo(2);
        assertThat(completed.path("avgRetries").asDouble()).isEqualTo(1.0);
        assertThat(status(stats, "pending").path("count").asLong()).isZero();
    }

    @Test
    void activityIsNewestFirstAndFiltersByRepositoryOwnerEventTypeStatusAndTime() {
        long a = data.repository("acme/a", "completed");
        long b = data.repository("other/b", "completed");
        long old = data.log(a, "sync_started", "in_progress", OpsData.daysAgo(3));
        long recent = data.log(a, "sync_completed", "success", OpsData.daysAgo(1));
        long otherRepo = data.log(b, "sync_failed", "failure", Instant.now());

        assertThat(ids(ok(api.get("/api/syncs/activity", READ)))).containsExactly(otherRepo, recent, old);
        assertThat(ids(ok(api.get("/api/syncs/activity?repository=" + a, READ)))).containsExactly(recent, old);
        assertThat(ids(ok(api.get("/api/syncs/activity?owner=other", READ)))).containsExactly(otherRepo);
        assertThat(ids(ok(api.get("/api/syncs/activity?eventType=sync_started", READ)))).containsExactly(old);
        assertThat(ids(ok(api.get("/api/syncs/activity?status=failure", READ)))).containsExactly(otherRepo);
        String range = "?since=" + OpsData.daysAgo(2) + "&until=" + Instant.now().minus(1, ChronoUnit.HOURS);
        JsonNode inRange = ok(api.get("/api/syncs/activity" + range, READ));
        assertThat(ids(inRange)).containsExactly(recent);
        assertThat(inRange.path("items").get(0).path("githubFullName").asString()).isEqualTo("acme/a");
        assertThat(ok(api.get("/api/syncs/activity", READ)).path("size").asInt()).isEqualTo(50);
    }

    @Test
    void unprocessedWebhooksAreTheOutboxRowsOldestFirstWithTheirRepositoryName() {
        long repo = data.repository("acme/stuck", "pending");
        long stuck = data.event(OpsData.deliveryId(), "push", false, null, repo, "acme/stuck", OpsData.daysAgo(1));
        long newer = data.event(OpsData.deliveryId(), "watch", false, null, repo, "acme/stuck", Instant.now());
        data.event(OpsData.deliveryId(), "push", true, null, repo, "acme/stuck", OpsData.daysAgo(2));

        JsonNode unprocessed = ok(api.get("/api/webhooks/unprocessed", READ));
        assertThat(ids(unprocessed)).containsExactly(stuck, newer);
        assertThat(unprocessed.path("items").get(0).path("repoName").asString()).isEqualTo("acme/stuck");
        assertThat(ids(ok(api.get("/api/webhooks/unprocessed?eventType=watch", READ)))).containsExactly(newer);
        assertThat(ids(ok(api.get("/api/webhooks/unprocessed?until=" + OpsData.daysAgo(0).minusSeconds(600), READ))))
                .containsExactly(stuck);
    }

    @Test
    void repositoriesFilterByStatusOwnerAndTextAndOneRepositoryTellsItsStory() {
        long a = data.repository("acme/widget_lib", "completed");
        data.repository("acme/widgetXlib", "failed");
        data.repository("zeta/widget_lib", "completed");
        data.log(a, "sync_started", "in_progress", OpsData.daysAgo(1));
        long last = data.log(a, "sync_completed", "success", Instant.now());
        data.event(OpsData.deliveryId(), "push", true, null, a, "acme/widget_lib", Instant.now());

        assertThat(ok(api.get("/api/repositories?status=completed", READ)).path("total").asLong()).isEqualTo(2);
        assertThat(ids(ok(api.get("/api/repositories?owner=acme&q=widget_", READ)))).containsExactly(a);
        JsonNode detail = ok(api.get("/api/repositories/" + a + "?size=1", READ));
        assertThat(detail.path("repository").path("githubFullName").asString()).isEqualTo("acme/widget_lib");
        assertThat(detail.path("repository").path("metadata").path("language").asString()).isEqualTo("Java");
        assertThat(ids(detail.path("history"))).containsExactly(last);
        assertThat(detail.path("history").path("total").asLong()).isEqualTo(2);
        assertThat(detail.path("history").path("items").get(0).path("payload").path("branches").asInt()).isEqualTo(2);
        assertThat(detail.path("recentWebhooks")).hasSize(1);

        OpsClient.Answer missing = api.get("/api/repositories/999999", READ);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("not_found");
    }

    @Test
    void aPartialRepositoryIsFilteredOnAndShowsItsRefusedRefsAndItsArchivedTips() {
        long partial = data.repository("vault/partial", "completed");
        long whole = data.repository("vault/whole", "completed");
        jdbc.sql("UPDATE repositories SET rejected_refs = 1, archived_refs = 1 WHERE id = :id").param("id", partial).update();
        jdbc.sql("""
                INSERT INTO sync_logs (repository_id, event_type, status, payload) VALUES
                  (:id, 'push_started', 'success', '{"destination": "onedev"}'),
                  (:id, 'push_completed', 'success', CAST(:archived AS jsonb))""")
                .param("id", partial).param("archived", """
                        {"destination": "onedev", "archived": [{"ref": "refs/heads/main",
                         "archive": "refs/heads/forgesync/archive/main/20261202T120000Z",
                         "oldTip": "1111111111111111111111111111111111111111",
                         "newTip": "2222222222222222222222222222222222222222", "reason": "force-pushed"}]}""")
                .update();
        jdbc.sql("""
                INSERT INTO sync_logs (repository_id, event_type, status, error_code, error_message, payload)
                VALUES (:id, 'push_completed', 'failure', 'ref_rejected', 'pre-receive hook declined - locked',
                        '{"ref": "refs/heads/locked"}')""").param("id", partial).update();

        assertThat(ids(ok(api.get("/api/repositories?partial=true&owner=vault", READ)))).containsExactly(partial);
        assertThat(ids(ok(api.get("/api/repositories?partial=false&owner=vault", READ)))).containsExactly(whole);
        JsonNode summary = ok(api.get("/api/repositories?partial=true&owner=vault", READ)).path("items").get(0);
        assertThat(summary.path("partial").asBoolean()).isTrue();
        assertThat(summary.path("archivedRefs").asInt()).isEqualTo(1);
        JsonNode detail = ok(api.get("/api/repositories/" + partial, READ));
        assertThat(detail.path("repository").path("rejectedRefs").asInt()).isEqualTo(1);
        assertThat(detail.path("rejectedRefs").get(0).path("ref").asString()).isEqualTo("refs/heads/locked");
        assertThat(detail.path("rejectedRefs").get(0).path("reason").asString()).contains("locked");
        assertThat(detail.path("archivedRefs").get(0).path("archive").asString())
                .isEqualTo("refs/heads/forgesync/archive/main/20261202T120000Z");
        assertThat(detail.path("archivedRefs").get(0).path("oldTip").asString()).startsWith("1111");
        assertBadRequest(api.get("/api/repositories?partial=maybe", READ), "'partial' must be true or false");
    }

    @Test
    void invalidParametersAre400sThatSayWhatIsAllowed() {
        assertBadRequest(api.get("/api/syncs/pending?size=501", READ), "'size' must be between 1 and 500");
        assertBadRequest(api.get("/api/syncs/pending?size=0", READ), "'size' must be between 1 and 500");
        assertBadRequest(api.get("/api/syncs/pending?page=-1", READ), "'page'");
        assertBadRequest(api.get("/api/syncs/pending?page=one", READ), "'page' must be a number");
        assertBadRequest(api.get("/api/syncs/activity?since=yesterday", READ), "'since' must be an ISO-8601 instant");
        assertBadRequest(api.get("/api/syncs/activity?since=2026-11-25T10:00:00Z&until=2026-11-25T09:00:00Z", READ),
                "'since' must be before 'until'");
        assertBadRequest(api.get("/api/syncs/activity?eventType=cloned", READ), "sync_started");
        assertBadRequest(api.get("/api/repositories?status=broken", READ),
                "'status' must be one of [pending, in_progress, completed, failed, permanent_failure]");
        assertBadRequest(api.get("/api/repositories/abc", READ), "'id' must be a number");
        assertBadRequest(api.post("/api/webhooks/replay", ADMIN, "not json"), "JSON");
        assertBadRequest(api.post("/api/webhooks/replay", ADMIN, "{}"), "either deliveryIds or a time range");
        assertBadRequest(api.post("/api/webhooks/replay", ADMIN, "{\"since\":\"2026-11-25T10:00:00Z\"}"),
                "needs both since and until");
    }

    @Test
    void resyncRearmsAFinalRepositoryAndPublishesAResyncRequestThroughTheOutbox() {
        long id = data.repository("acme/resync-me", "permanent_failure", 3, null, null);

        OpsClient.Answer answer = api.post("/api/repositories/" + id + "/resync", ADMIN, null);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body().path("previousStatus").asString()).isEqualTo("permanent_failure");
        assertThat(answer.body().path("rearmed").asBoolean()).isTrue();
        assertThat(status(id)).isEqualTo("pending");
        assertThat(jdbc.sql("SELECT retry_count FROM repositories WHERE id = :id").param("id", id)
                .query(Integer.class).single()).isZero();
        String requestId = answer.body().path("requestId").asString();
        var published = awaitPublished(requestId);
        assertThat(published.request().trigger()).isEqualTo("resync");
        assertThat(published.key()).isEqualTo(Long.toString(id));
        assertThat(published.request().fullName()).isEqualTo("acme/resync-me");
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "SELECT processed FROM webhook_events WHERE event_id = :id").param("id", requestId)
                .query(Boolean.class).single());
    }

    @Test
    void resyncOfARunningRepositoryLeavesItsStatusButStillPublishes() {
        long id = data.repository("acme/busy", "in_progress");

        OpsClient.Answer answer = api.post("/api/repositories/" + id + "/resync", ADMIN, null);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.body().path("rearmed").asBoolean()).isFalse();
        assertThat(status(id)).isEqualTo("in_progress");
        awaitPublished(answer.body().path("requestId").asString());
        assertThat(api.post("/api/repositories/999999/resync", ADMIN, null).status()).isEqualTo(404);
    }

    @Test
    void retryIsOnlyForPermanentFailures() {
        long completed = data.repository("acme/fine", "completed");
        long broken = data.repository("acme/broken", "permanent_failure", 3, null, null);

        OpsClient.Answer conflict = api.post("/api/repositories/" + completed + "/retry", ADMIN, null);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.message()).contains("is completed", "permanent_failure only");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events").query(Long.class).single()).isZero();

        OpsClient.Answer retried = api.post("/api/repositories/" + broken + "/retry", ADMIN, null);
        assertThat(retried.status()).isEqualTo(202);
        assertThat(status(broken)).isEqualTo("pending");
        assertThat(awaitPublished(retried.body().path("requestId").asString()).request().trigger()).isEqualTo("retry");
        assertThat(api.post("/api/repositories/999999/retry", ADMIN, null).status()).isEqualTo(404);
    }

    @Test
    void replayByDeliveryIdsPublishesOneRequestPerRepositoryAndLeavesIgnoredEventsAlone() {
        long a = data.repository("acme/a", "completed");
        long b = data.repository("acme/b", "completed");
        String a1 = OpsData.deliveryId();
        String a2 = OpsData.deliveryId();
        String b1 = OpsData.deliveryId();
        String ping = OpsData.deliveryId();
        data.event(a1, "push", true, null, a, "acme/a", OpsData.daysAgo(2));
        data.event(a2, "push", true, null, a, "acme/a", OpsData.daysAgo(1));
        data.event(b1, "watch", true, null, b, "acme/b", OpsData.daysAgo(1));
        data.event(ping, "ping", true, "ignored: ping", null, null, OpsData.daysAgo(1));
        String before = eventsSnapshot();

        OpsClient.Answer answer = api.post("/api/webhooks/replay", ADMIN,
                "{\"deliveryIds\":[\"" + a1 + "\",\"" + a2 + "\",\"" + b1 + "\",\"" + ping + "\",\"unknown-id\"]}");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode report = answer.body();
        assertThat(report.path("matched").asInt()).isEqualTo(4);
        assertThat(report.path("ignored").asInt()).isEqualTo(1);
        assertThat(report.path("notFound").get(0).asString()).isEqualTo("unknown-id");
        assertThat(report.path("repositories").asInt()).isEqualTo(2);
        assertThat(report.path("published").asInt()).isEqualTo(2);
        assertThat(report.path("failed").asInt()).isZero();
        var replayedA = awaitPublished(a2);
        assertThat(replayedA.request().trigger()).isEqualTo("replay");
        assertThat(replayedA.request().requestedAt()).isBefore(OpsData.daysAgo(0).minusSeconds(3600));
        assertThat(awaitPublished(b1).request().trigger()).isEqualTo("replay");
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), a1)).isEmpty();
        assertThat(SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), ping)).isEmpty();
        assertThat(eventsSnapshot()).isEqualTo(before);
        assertThat(status(a)).isEqualTo("completed");
    }

    @Test
    void forcedReplayOfATimeRangeRearmsAndRequestsAFreshSync() {
        long a = data.repository("acme/range", "permanent_failure", 3, null, null);
        String inside = OpsData.deliveryId();
        String outside = OpsData.deliveryId();
        data.event(inside, "push", true, null, a, "acme/range", OpsData.daysAgo(1));
        data.event(outside, "push", true, null, a, "acme/range", OpsData.daysAgo(5));

        OpsClient.Answer answer = api.post("/api/webhooks/replay", ADMIN, "{\"since\":\"" + OpsData.daysAgo(2)
                + "\",\"until\":\"" + Instant.now() + "\",\"force\":true}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("matched").asInt()).isEqualTo(1);
        assertThat(answer.body().path("published").asInt()).isEqualTo(1);
        assertThat(status(a)).isEqualTo("pending");
        var replayed = awaitPublished(inside);
        assertThat(replayed.request().requestedAt()).isAfter(Instant.now().minusSeconds(120));
    }

    @Test
    void replayRefusesASelectionLargerThanTheBound() {
        long a = data.repository("acme/many", "completed");
        for (int i = 0; i < 6; i++) {
            data.event(OpsData.deliveryId(), "push", true, null, a, "acme/many", OpsData.daysAgo(1));
        }

        OpsClient.Answer answer = api.post("/api/webhooks/replay", ADMIN, "{\"since\":\"" + OpsData.daysAgo(2)
                + "\",\"until\":\"" + Instant.now() + "\"}");

        assertBadRequest(answer, "matches 6 events, more than the 5");
    }

    @Test
    void theRetentionJobRunsOnItsScheduleAndCountsItsRuns() {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                meters.find("forgesync.retention.runs").tag("outcome", "completed").counter() != null
                        && meters.find("forgesync.retention.runs").tag("outcome", "completed").counter().count() >= 1);
        assertThat(meters.find("forgesync.retention.deleted").tag("table", "sync_logs").counter()).isNotNull();
    }

    private static SyncRequestsTopic.Published awaitPublished(String deliveryId) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), deliveryId), l -> !l.isEmpty())
                .get(0);
    }

    private String eventsSnapshot() {
        return jdbc.sql("SELECT string_agg(webhook_events::text, '|' ORDER BY id) FROM webhook_events")
                .query(String.class).single();
    }

    private String status(long id) {
        return jdbc.sql("SELECT sync_status FROM repositories WHERE id = :id").param("id", id).query(String.class).single();
    }

    private static JsonNode status(JsonNode stats, String status) {
        for (JsonNode s : stats.path("statuses")) {
            if (status.equals(s.path("syncStatus").asString())) {
                return s;
            }
        }
        throw new AssertionError("no " + status + " in " + stats);
    }

    private static JsonNode ok(OpsClient.Answer answer) {
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(200);
        return answer.body();
    }

    @Test
    void listsCountTheirMatchesOnlyUpToTheCountLimitAndSaySoWithTotalCappedAndHasMore() {
        for (int i = 0; i < COUNT_LIMIT + 2; i++) {
            data.repository("acme/many-" + i, "completed");
        }
        data.repository("acme/lonely", "failed");

        JsonNode capped = ok(api.get("/api/repositories?status=completed&size=2", READ));
        assertThat(capped.path("total").asLong()).isEqualTo(COUNT_LIMIT);
        assertThat(capped.path("totalCapped").asBoolean()).isTrue();
        assertThat(capped.path("hasMore").asBoolean()).isTrue();
        assertThat(capped.path("items")).hasSize(2);
        JsonNode exact = ok(api.get("/api/repositories?status=failed", READ));
        assertThat(exact.path("total").asLong()).isEqualTo(1);
        assertThat(exact.path("totalCapped").asBoolean()).isFalse();
        assertThat(exact.path("hasMore").asBoolean()).isFalse();
        assertThat(exact.path("nextCursor").isNull()).isTrue();
        JsonNode lastPage = ok(api.get("/api/repositories?status=completed&size=2&page=2", READ));
        assertThat(lastPage.path("items")).hasSize(1);
        assertThat(lastPage.path("hasMore").asBoolean()).isFalse();
    }

    @Test
    void activityFollowsItsCursorNewestFirstThroughEqualTimestampsWithoutRepeatingRowsAddedMeanwhile() {
        long repo = data.repository("acme/busy", "completed");
        Instant tie = OpsData.daysAgo(2);
        long oldest = data.log(repo, "sync_started", "in_progress", OpsData.daysAgo(3));
        long tiedFirst = data.log(repo, "clone_started", "in_progress", tie);
        long tiedSecond = data.log(repo, "clone_completed", "success", tie);
        long newest = data.log(repo, "sync_completed", "success", OpsData.daysAgo(1));

        JsonNode first = ok(api.get("/api/syncs/activity?size=2", READ));
        assertThat(ids(first)).containsExactly(newest, tiedSecond);
        data.log(repo, "sync_started", "in_progress", Instant.now());
        JsonNode second = ok(api.get("/api/syncs/activity?size=2&after=" + first.path("nextCursor").asString(), READ));
        assertThat(ids(second)).containsExactly(tiedFirst, oldest);
        assertThat(second.path("hasMore").asBoolean()).isFalse();
        assertThat(second.path("nextCursor").isNull()).isTrue();
        assertThat(second.path("total").asLong()).isEqualTo(COUNT_LIMIT);
        assertThat(second.path("totalCapped").asBoolean()).isTrue();
    }

    @Test
    void activityOfAnOwnerPagesNewestFirstAcrossItsRepositoriesByCursorWithTheOtherFilters() {
        long a = data.repository("acme/a", "completed");
        long b = data.repository("acme/b", "completed");
        long elsewhere = data.repository("other/c", "completed");
        Instant tie = OpsData.daysAgo(2);
        long oldest = data.log(a, "sync_started", "in_progress", OpsData.daysAgo(3));
        long tiedInA = data.log(a, "sync_started", "in_progress", tie);
        long tiedInB = data.log(b, "sync_started", "in_progress", tie);
        data.log(b, "sync_completed", "success", OpsData.daysAgo(1));
        long newest = data.log(a, "sync_started", "in_progress", Instant.now());
        data.log(elsewhere, "sync_started", "in_progress", OpsData.daysAgo(1));

        String filters = "/api/syncs/activity?owner=acme&eventType=sync_started&status=in_progress&size=2";
        JsonNode first = ok(api.get(filters, READ));
        assertThat(ids(first)).containsExactly(newest, tiedInB);
        assertThat(first.path("total").asLong()).isEqualTo(COUNT_LIMIT);
        assertThat(first.path("totalCapped").asBoolean()).isTrue();
        JsonNode second = ok(api.get(filters + "&after=" + first.path("nextCursor").asString(), READ));
        assertThat(ids(second)).containsExactly(tiedInA, oldest);
        assertThat(second.path("hasMore").asBoolean()).isFalse();
        assertThat(second.path("items").get(0).path("githubFullName").asString()).isEqualTo("acme/a");
    }

    @Test
    void repositoriesPendingAndUnprocessedWebhooksPageByCursorToo() {
        long a = data.repository("acme/a", "pending");
        long b = data.repository("acme/b", "pending");
        long c = data.repository("acme/c", "pending");
        JsonNode repositories = ok(api.get("/api/repositories?size=2", READ));
        assertThat(ids(repositories)).containsExactly(a, b);
        assertThat(ids(ok(api.get("/api/repositories?size=2&after=" + repositories.path("nextCursor").asString(),
                READ)))).containsExactly(c);
        JsonNode pending = ok(api.get("/api/syncs/pending?size=1", READ));
        assertThat(ids(ok(api.get("/api/syncs/pending?size=5&after=" + pending.path("nextCursor").asString(), READ))))
                .containsExactly(b, c);
        long older = data.event(OpsData.deliveryId(), "push", false, null, a, "acme/a", OpsData.daysAgo(1));
        long newer = data.event(OpsData.deliveryId(), "push", false, null, a, "acme/a", Instant.now());
        JsonNode webhooks = ok(api.get("/api/webhooks/unprocessed?size=1", READ));
        assertThat(ids(webhooks)).containsExactly(older);
        assertThat(ids(ok(api.get("/api/webhooks/unprocessed?after=" + webhooks.path("nextCursor").asString(), READ))))
                .containsExactly(newer);
    }

    @Test
    void aCursorThatIsNotOneOfOursOrComesWithAPageIsA400() {
        assertBadRequest(api.get("/api/syncs/activity?after=yesterday", READ), "'after' must be the nextCursor");
        assertBadRequest(api.get("/api/repositories?after=abc", READ), "'after' must be the nextCursor");
        assertBadRequest(api.get("/api/repositories?after=5&page=2", READ), "'after' and 'page' exclude each other");
    }

    private static List<Long> ids(JsonNode page) {
        return page.path("items").findValues("id").stream().map(JsonNode::asLong).toList();
    }

    private static void assertBadRequest(OpsClient.Answer answer, String messagePart) {
        assertThat(answer.status()).as(answer.response().body()).isEqualTo(400);
        assertThat(answer.error()).isEqualTo("invalid_request");
        assertThat(answer.message()).contains(messagePart);
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("ops");
        db.migrate();
        return db;
    }
}
