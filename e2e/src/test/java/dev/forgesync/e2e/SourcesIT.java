package dev.forgesync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.forgesync.testsupport.Webhooks;
import dev.forgesync.testsupport.github.GithubApiServlet;
import dev.forgesync.testsupport.github.GithubApiStandIn;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Repositories that arrive without a webhook, through the real pipeline (broker, PostgreSQL, ingest-service, two
 * sync-workers and control-service as processes): control-service lists the organisation {@code acme} on the GitHub
 * REST stand-in ({@code FORGESYNC_SOURCES=org:acme}), the workers fetch from the stand-in's git host and push to the
 * OneDev stand-in, freshness compares the source's ref advertisement with what the last sync pushed, and self-healing
 * asks the stand-in to redeliver a failed webhook delivery, which the stand-in POSTs to ingest-service.
 * One stack for the class; scenarios run in order on the organisation the first one mirrors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourcesIT {

    private static final String ORG = "acme";
    private static final int REPOSITORIES = 30;
    /** Listings at 20 a page: the organisation's 30 repositories take two pages. */
    private static final int PAGE_SIZE = 20;
    private static final Duration FRESHNESS_INTERVAL = Duration.ofSeconds(3);
    private static final Duration SETTLE = Duration.ofSeconds(240);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static GithubApiStandIn github;
    static Pipeline pipeline;

    @BeforeAll
    static void startThePipelineWithAnOrganisationAsItsOnlySource() {
        Path root = Path.of("target", "e2e-github", "sources").toAbsolutePath();
        KafkaBroker.deleteRecursively(root);
        github = GithubApiStandIn.start(root, Pipeline.CANARY);
        github.createOrg(ORG);
        for (String name : names()) {
            github.createRepository(name);
        }
        IntStream.rangeClosed(1, REPOSITORIES).filter(i -> i % 5 == 0).forEach(i ->
                github.commit(name(i), "feature", "feature.txt", "a branch of " + name(i)));
        pipeline = Pipeline.start("sources", Pipeline.options().workers(2)
                .workerEnv("FORGESYNC_GITHUB_BASE_URL", github.baseUri().toString())
                .controlEnv("FORGESYNC_SOURCES", "org:" + ORG)
                .controlEnv("FORGESYNC_GITHUB_API_URL", github.apiUri().toString())
                .controlEnv("FORGESYNC_GITHUB_BASE_URL", github.baseUri().toString())
                .controlEnv("FORGESYNC_GITHUB_TOKEN", Pipeline.CANARY)
                .controlEnv("FORGESYNC_GITHUB_PAGE_SIZE", Integer.toString(PAGE_SIZE))
                .controlEnv("FORGESYNC_DISCOVERY_INITIAL_DELAY", "1s")
                .controlEnv("FORGESYNC_DISCOVERY_INTERVAL", "5s")
                .controlEnv("FORGESYNC_FRESHNESS_INTERVAL", FRESHNESS_INTERVAL.toSeconds() + "s")
                .controlEnv("FORGESYNC_FRESHNESS_TICK", "500ms")
                .controlEnv("FORGESYNC_HEALING_INTERVAL", "2s"));
    }

    @AfterAll
    static void stopEverything() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (github != null) {
            github.close();
        }
    }

    @Test
    @Order(1)
    void mirrorsWholeOrganisationWithoutAnyWebhook() {
        await("every repository of the organisation mirrored with the source's refs").atMost(SETTLE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> names().stream().allMatch(SourcesIT::mirroredAsTheSource));

        assertThat(pipeline.query("SELECT github_full_name FROM repositories")).as("one row per repository")
                .hasSize(REPOSITORIES);
        assertThat(pipeline.query("SELECT DISTINCT repository_id FROM webhook_events WHERE event_type = 'discovered'"))
                .as("each requested by discovery").hasSize(REPOSITORIES);
        assertThat(pipeline.query("SELECT event_type FROM webhook_events WHERE event_type NOT IN "
                + "('discovered', 'drift', 'recovery')")).as("deliveries from GitHub").isEmpty();
        assertThat(listings()).as("listed in two pages of " + PAGE_SIZE)
                .allMatch(e -> e.pathAndQuery().contains("per_page=" + PAGE_SIZE))
                .anyMatch(e -> !e.pathAndQuery().contains("&page="))
                .anyMatch(e -> e.pathAndQuery().endsWith("&page=2"))
                .noneMatch(e -> e.pathAndQuery().contains("&page=3"));

        github.clearApiRequests();
        await("a whole discovery pass after the first").atMost(Duration.ofSeconds(60))
                .until(() -> listings().stream().filter(e -> e.pathAndQuery().endsWith("&page=2")).count() >= 2);
        assertThat(listings()).as("later passes: every page unchanged, answered 304")
                .extracting(GithubApiServlet.Exchange::status).containsOnly(304);
        assertThat(pipeline.query("SELECT github_full_name FROM repositories")).hasSize(REPOSITORIES);
    }

    @Test
    @Order(2)
    void pushWithoutWebhookIsMirroredWithinFreshnessInterval() {
        String name = name(7);
        long id = repositoryId(name);
        await(name + " fresh").atMost(Duration.ofSeconds(60)).until(() -> "fresh".equals(freshness(id)));
        Instant pushed = Instant.now();

        String tip = github.commit(name, "main", "missed.txt", "no webhook told anyone about this");

        await("the new tip in OneDev").atMost(Duration.ofSeconds(90))
                .until(() -> tip.equals(mirrorRefs(name).get("refs/heads/main")));
        assertThat(pipeline.query("SELECT id FROM webhook_events WHERE event_type = 'drift' AND repository_id = ? "
                + "AND received_at > ?", (int) id, Timestamp.from(pushed)))
                .as("the drift freshness saw, requested as a sync").hasSize(1);
        await(name + " fresh again").atMost(Duration.ofSeconds(30)).until(() -> "fresh".equals(freshness(id))
                && freshnessSince(id).isAfter(pushed));
        assertThat(mirroredAsTheSource(name)).isTrue();
    }

    @Test
    @Order(3)
    void failedDeliveryIsRedeliveredOnceAndStoredOnce() {
        String name = name(12);
        long id = repositoryId(name);
        String tip = github.commit(name, "main", "pushed.txt", "a push whose webhook failed");
        String guid = UUID.randomUUID().toString();
        long hook = github.createHook(ORG, null, pipeline.ingest().baseUrl() + "/webhooks/github", Pipeline.SECRET);

        github.recordDelivery(hook, guid, Instant.now(), 502, "push",
                github.repository(name).orElseThrow().id(), pushPayload(name, tip));

        await("the delivery redelivered and stored").atMost(Duration.ofSeconds(60))
                .until(() -> !pipeline.query("SELECT id FROM webhook_events WHERE event_id = ?", guid).isEmpty());
        await("the repository synced to the pushed tip").atMost(Duration.ofSeconds(90))
                .until(() -> tip.equals(mirrorRefs(name).get("refs/heads/main")));
        int listed = deliveryListings(hook);
        await("two more redelivery passes").atMost(Duration.ofSeconds(60))
                .until(() -> deliveryListings(hook) >= listed + 2);

        assertThat(github.redeliveryAttempts()).extracting(GithubApiStandIn.Delivery::guid).containsExactly(guid);
        List<Map<String, Object>> stored = pipeline.query(
                "SELECT event_type, repository_id, processed FROM webhook_events WHERE event_id = ?", guid);
        assertThat(stored).as("stored once, linked to the repository, published as a sync request")
                .containsExactly(Map.of("event_type", "push", "repository_id", (int) id, "processed", true));
    }

    @Test
    @Order(4)
    void sourceDeletedUpstreamKeepsMirrorAndSaysSourceGone() {
        String name = name(20);
        long id = repositoryId(name);
        await(name + " mirrored and fresh").atMost(Duration.ofSeconds(60))
                .until(() -> "fresh".equals(freshness(id)) && mirroredAsTheSource(name));
        Map<String, String> mirrored = mirrorRefs(name);

        github.delete(name);

        await(name + " source_gone").atMost(Duration.ofSeconds(60)).until(() -> "source_gone".equals(freshness(id)));
        assertThat(mirrorRefs(name)).as("the mirror, frozen and kept").isEqualTo(mirrored)
                .containsKeys("refs/heads/main", "refs/heads/feature");
        assertThat(pipeline.repository(name)).as("the row kept").containsEntry("sync_status", "completed");
        long passes = listings().size();
        await("a discovery pass without it").atMost(Duration.ofSeconds(30)).until(() -> listings().size() > passes + 1);
        assertThat(pipeline.query("SELECT github_full_name FROM repositories")).as("nothing deleted")
                .hasSize(REPOSITORIES);
    }

    @Test
    @Order(100)
    void theTokenNeverAppearsInLogsDatabaseOrCaches() {
        CanaryScan.Findings findings = CanaryScan.of(Pipeline.CANARY)
                .files(pipeline.logDir())
                .files(pipeline.cacheDirs())
                .database(pipeline)
                .scan();

        assertThat(findings.scannedDatabaseValues()).as("database rows scanned").isGreaterThan(REPOSITORIES);
        assertThat(findings.hits()).as("places holding the canary token").isEmpty();
    }

    // --- helpers ---

    private static List<String> names() {
        return IntStream.rangeClosed(1, REPOSITORIES).mapToObj(SourcesIT::name).toList();
    }

    private static String name(int i) {
        return String.format("%s/service-%02d", ORG, i);
    }

    private static boolean mirroredAsTheSource(String name) {
        Map<String, String> mirror = mirrorRefs(name);
        return !mirror.isEmpty() && mirror.equals(sourceRefs(name));
    }

    private static Map<String, String> mirrorRefs(String name) {
        return pipeline.mirror(name).map(GitRepos::refs).orElse(Map.of());
    }

    /** The source's branches and tags as its ref advertisement shows them. */
    private static Map<String, String> sourceRefs(String name) {
        Map<String, String> refs = new TreeMap<>();
        try {
            for (Ref ref : Git.lsRemoteRepository().setRemote(github.baseUri() + "/" + name + ".git")
                    .setHeads(true).setTags(true).call()) {
                refs.put(ref.getName(), ref.getObjectId().name());
            }
        } catch (GitAPIException e) {
            throw new IllegalStateException("ls-remote " + name, e);
        }
        return refs;
    }

    private static List<GithubApiServlet.Exchange> listings() {
        return github.apiRequests().stream()
                .filter(e -> e.pathAndQuery().startsWith("/orgs/" + ORG + "/repos")).toList();
    }

    private static int deliveryListings(long hook) {
        return (int) github.apiRequests().stream()
                .filter(e -> e.pathAndQuery().startsWith("/orgs/" + ORG + "/hooks/" + hook + "/deliveries?")).count();
    }

    private static long repositoryId(String name) {
        return ((Number) pipeline.repository(name).get("id")).longValue();
    }

    private static String freshness(long id) {
        List<Map<String, Object>> rows = pipeline.query(
                "SELECT state FROM repository_freshness WHERE repository_id = ?", (int) id);
        return rows.isEmpty() ? "none" : (String) rows.get(0).get("state");
    }

    private static Instant freshnessSince(long id) {
        return ((Timestamp) pipeline.query("SELECT state_since FROM repository_freshness WHERE repository_id = ?",
                (int) id).get(0).get("state_since")).toInstant();
    }

    /** GitHub's push payload (github-payloads/push.payload.json) for {@code name}, moving main to {@code tip}. */
    private static byte[] pushPayload(String name, String tip) {
        ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.withRepository(Webhooks.payload("push.payload.json"),
                name, github.repository(name).orElseThrow().id()));
        root.put("ref", "refs/heads/main").put("after", tip);
        ((ObjectNode) root.get("repository")).put("default_branch", "main");
        return JSON.writeValueAsBytes(root);
    }
}
