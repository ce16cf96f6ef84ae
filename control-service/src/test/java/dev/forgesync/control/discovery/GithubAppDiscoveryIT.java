package dev.forgesync.control.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
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
 * Discovery authenticated as a GitHub App (no token configured): the organisation's installation is found with the
 * App's JWT, its access token lists the private repositories an anonymous caller cannot see, and a token about to
 * expire is replaced before it does, with no request refused on the way. No token, JWT or key reaches a log line or
 * a row.
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class GithubAppDiscoveryIT {

    static final long APP_ID = 271828;
    static final AppKeys KEYS = AppKeys.generate();
    static final Path ROOT = ControlContexts.tempDir("github-app-");
    static final Path KEY_FILE = AppKeys.write(ROOT.resolve("secrets/forgesync-app.pem"), KEYS.pkcs1Pem());
    static final TestDatabase DB = ControlContexts.migrated("appdiscovery");
    static final GithubApiStandIn GITHUB = GithubApiStandIn.start(ROOT.resolve("github"), null);
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(6);
    static final Duration RENEW_BEFORE = Duration.ofSeconds(3);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.register(registry, DB, GITHUB);
        ControlContexts.registerApp(registry, APP_ID, KEY_FILE);
        registry.add("forgesync.github.app-token-renew-before", () -> RENEW_BEFORE.toSeconds() + "s");
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.freshness.enabled", () -> "false");
        registry.add("forgesync.healing.enabled", () -> "false");
    }

    @Autowired
    DiscoveryLoop loop;

    @Autowired
    SourceStore sources;

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());

    @AfterAll
    static void stopGithub() {
        GITHUB.close();
    }

    @Test
    void discoversAPrivateOrganisationThroughTheAppAndRenewsItsTokenBeforeItExpires(CapturedOutput output) {
        GITHUB.registerApp(APP_ID, KEYS.publicKey());
        GITHUB.createOrg("app-org");
        for (int i = 0; i < 130; i++) {
            GITHUB.createRepository("app-org/repo-" + i, new GithubApiStandIn.RepoOptions(false, false, i % 2 == 0));
        }
        GITHUB.installApp(APP_ID, "app-org");
        GITHUB.appTokenLifetime(TOKEN_LIFETIME);
        sources.add(NewSource.parse("org:app-org"), false);

        assertThat(loop.runOnce()).singleElement().satisfies(o -> {
            assertThat(o.registered()).as("private ones included").isEqualTo(130);
            assertThat(o.pages()).isEqualTo(2);
        });
        GithubApiStandIn.AppToken first = GITHUB.issuedAppTokens().get(0);
        Instant renewal = first.expiresAt().minus(RENEW_BEFORE);

        await().atMost(Duration.ofSeconds(15)).until(() -> !Instant.now().isBefore(renewal));
        GITHUB.createRepository("app-org/late", new GithubApiStandIn.RepoOptions(false, false, true));
        assertThat(loop.runOnce()).singleElement().satisfies(o -> assertThat(o.registered()).isEqualTo(1));

        assertThat(GITHUB.issuedAppTokens()).hasSize(2);
        assertThat(GITHUB.apiRequests()).extracting(GithubApiServlet.Exchange::status).doesNotContain(401, 403);
        assertThat(GITHUB.apiRequests()).filteredOn(e -> e.pathAndQuery().equals("/orgs/app-org/installation"))
                .as("the installation is looked up once").hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM repositories WHERE github_owner = 'app-org' AND github_is_private"))
                .isEqualTo(66);
        assertNoSecretIn(output.getAll());
        assertNoSecretIn(String.join("\n", jdbc.sql("""
                SELECT concat_ws(' ', (SELECT string_agg(r::text, ' ') FROM repositories r),
                                      (SELECT string_agg(s::text, ' ') FROM sources s),
                                      (SELECT string_agg(w::text, ' ') FROM webhook_events w))
                """).query(String.class).list()));
    }

    private static void assertNoSecretIn(String text) {
        for (GithubApiStandIn.AppToken token : GITHUB.issuedAppTokens()) {
            assertThat(text).doesNotContain(token.value());
        }
        assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(KEYS.pkcs1Pem().lines().skip(1).findFirst()
                .orElseThrow()).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
