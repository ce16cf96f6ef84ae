package dev.forgesync.control.healing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.control.sources.NewSource;
import dev.forgesync.control.sources.SourceStore;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.github.AppKeys;
import dev.forgesync.testsupport.github.GithubApiServlet;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * Self-healing authenticated as a GitHub App (no token configured), against a stand-in that grants an organisation's
 * webhooks only to an installation with the permission "Webhooks" (read to list, write to redeliver). With it, a
 * failed delivery is redelivered once (the stand-in POSTs it again to the hook's URL, where the test stores it by its
 * {@code X-GitHub-Delivery} as ingest-service does) and not again on the next pass. Without it, one warning per
 * source names the missing permission, and nothing else is asked of GitHub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(OutputCaptureExtension.class)
class GithubAppRedeliveryIT {

    static final long APP_ID = 161803;
    static final AppKeys KEYS = AppKeys.generate();
    static final Path ROOT = ControlContexts.tempDir("github-app-redelivery-");
    static final Path KEY_FILE = AppKeys.write(ROOT.resolve("secrets/forgesync-app.pem"), KEYS.pkcs1Pem());
    static final TestDatabase DB = ControlContexts.migrated("appredelivery");
    static final GithubApiStandIn GITHUB = GithubApiStandIn.start(ROOT.resolve("github"), null);
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    static final HttpServer WEBHOOKS = webhookEndpoint();
    static final String PERMISSION_HINT = "a GitHub App needs the organisation permission Webhooks: read and write";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.register(registry, DB, GITHUB);
        ControlContexts.registerApp(registry, APP_ID, KEY_FILE);
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.freshness.enabled", () -> "false");
        registry.add("forgesync.healing.enabled", () -> "false");
    }

    @Autowired
    Redelivery redelivery;

    @Autowired
    SourceStore sources;

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());

    @BeforeEach
    void cleanSlate() {
        jdbc.sql("TRUNCATE sources, webhook_events CASCADE").update();
        GITHUB.registerApp(APP_ID, KEYS.publicKey());
        GITHUB.clearApiRequests();
    }

    @AfterAll
    static void stopEverything() {
        WEBHOOKS.stop(0);
        GITHUB.close();
    }

    @Test
    void redeliversAFailedDeliveryOnceAndItIsStoredOnce() {
        GITHUB.createOrg("healed-org");
        GITHUB.installApp(APP_ID, "healed-org", Map.of("organization_hooks", "write", "contents", "read"));
        long hook = failedDelivery("healed-org", "guid-healed");
        sources.add(NewSource.parse("org:healed-org"), false);

        assertThat(redelivery.runOnce()).containsExactly("guid-healed");
        assertThat(redelivery.runOnce()).as("the next pass").isEmpty();

        assertThat(GITHUB.redeliveryAttempts()).extracting(GithubApiStandIn.Delivery::guid)
                .containsExactly("guid-healed");
        assertThat(RECEIVED).containsExactly("guid-healed");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_events WHERE event_id = 'guid-healed'").query(Long.class)
                .single()).isEqualTo(1);
        assertThat(GITHUB.apiRequests()).filteredOn(e -> e.pathAndQuery().contains("/hooks/" + hook))
                .extracting(GithubApiServlet.Exchange::status).doesNotContain(401, 403, 404);
    }

    @Test
    void withoutTheWebhooksPermissionWarnsOncePerSourceAndAsksNothingElse(CapturedOutput output) {
        GITHUB.createOrg("unhooked-org");
        GITHUB.installApp(APP_ID, "unhooked-org");
        failedDelivery("unhooked-org", "guid-unlisted");
        GITHUB.createOrg("read-only-org");
        GITHUB.installApp(APP_ID, "read-only-org", Map.of("organization_hooks", "read"));
        failedDelivery("read-only-org", "guid-unwritable");
        sources.add(NewSource.parse("org:unhooked-org"), false);
        sources.add(NewSource.parse("org:read-only-org"), false);

        assertThat(redelivery.runOnce()).isEmpty();
        assertThat(redelivery.runOnce()).isEmpty();

        assertThat(GITHUB.redeliveryAttempts()).extracting(GithubApiStandIn.Delivery::guid)
                .doesNotContain("guid-unlisted", "guid-unwritable");
        assertThat(GITHUB.apiRequests()).filteredOn(e -> e.pathAndQuery().startsWith("/orgs/unhooked-org/")
                        && !e.pathAndQuery().endsWith("/installation"))
                .as("the hooks asked for, no deliveries, no attempt").extracting(GithubApiServlet.Exchange::pathAndQuery).containsOnly("/orgs/unhooked-org/hooks");
        assertThat(output.getAll().lines().filter(l -> l.contains("source org:unhooked-org skipped")))
                .singleElement().asString().contains(PERMISSION_HINT, "Resource not accessible by integration");
        assertThat(output.getAll().lines().filter(l -> l.contains("source org:read-only-org skipped")))
                .singleElement().asString().contains(PERMISSION_HINT, "403 to POST");
        GITHUB.issuedAppTokens().forEach(token -> assertThat(output.getAll()).doesNotContain(token.value()));
    }

    /** A hook of {@code org} pointing at the test's endpoint, with one push GitHub failed to deliver a minute ago. */
    private static long failedDelivery(String org, String guid) {
        long hook = GITHUB.createHook(org, null, "http://127.0.0.1:" + WEBHOOKS.getAddress().getPort() + "/hook");
        GITHUB.recordDelivery(hook, guid, Instant.now().minusSeconds(60), 502, "push", 1L,
                "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8));
        return hook;
    }

    /** Receives what the stand-in delivers and stores it by its guid, once, as ingest-service does. */
    private static HttpServer webhookEndpoint() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                String guid = exchange.getRequestHeaders().getFirst("X-GitHub-Delivery");
                RECEIVED.add(guid);
                JdbcClient.create(DB.dataSource()).sql("""
                        INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed)
                        VALUES (:guid, 'push', :guid, CAST(:payload AS jsonb), 'unsigned', TRUE)
                        ON CONFLICT DO NOTHING""").param("guid", guid)
                        .param("payload", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                        .update();
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
