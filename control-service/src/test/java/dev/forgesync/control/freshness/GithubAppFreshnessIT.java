package dev.forgesync.control.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.github.AppKeys;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * Verified freshness authenticated as a GitHub App installation (no token configured): the ref advertisements of an
 * organisation's private repositories, which answer 401 to anyone without credentials, are read with the
 * installation's access token, so a private mirror is {@code fresh} and a push nobody announced makes it
 * {@code stale}. The stand-in's own token only serves the test to read what the worker would have pushed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(OutputCaptureExtension.class)
class GithubAppFreshnessIT {

    static final long APP_ID = 314159;
    static final AppKeys KEYS = AppKeys.generate();
    static final Path ROOT = SourceTips.tempDir();
    static final Path KEY_FILE = AppKeys.write(ROOT.resolve("secrets/forgesync-app.pem"), KEYS.pkcs1Pem());
    static final TestDatabase DB = ControlContexts.migrated("appfreshness");
    static final GithubApiStandIn GITHUB = GithubApiStandIn.start(ROOT.resolve("github"), "ghp_test_reads_tips");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.register(registry, DB, GITHUB);
        ControlContexts.registerApp(registry, APP_ID, KEY_FILE);
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.healing.enabled", () -> "false");
        registry.add("forgesync.freshness.interval", () -> "2s");
        registry.add("forgesync.freshness.tick", () -> "300ms");
    }

    private final MirroredRows rows = new MirroredRows(JdbcClient.create(DB.dataSource()), GITHUB);

    @AfterAll
    static void stopGithub() {
        GITHUB.close();
    }

    @Test
    void aPrivateMirrorIsCheckedWithTheInstallationTokenAndAnUnannouncedPushMakesItStale(CapturedOutput output) {
        GITHUB.registerApp(APP_ID, KEYS.publicKey());
        GITHUB.createOrg("app-fresh");
        GITHUB.createRepository("app-fresh/secret", new GithubApiStandIn.RepoOptions(false, false, true));
        GITHUB.installApp(APP_ID, "app-fresh");
        long id = rows.mirrored("app-fresh/secret");

        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("fresh"));
        GITHUB.commit("app-fresh/secret", "main", "unannounced.txt", "no webhook told anyone");
        await().atMost(Duration.ofSeconds(20)).until(() -> rows.state(id).equals("stale"));

        assertThat(GITHUB.issuedAppTokens()).as("the installation's token, minted once and reused")
                .singleElement().satisfies(token ->
                assertThat(output.getAll()).doesNotContain(token.value()));
    }
}
