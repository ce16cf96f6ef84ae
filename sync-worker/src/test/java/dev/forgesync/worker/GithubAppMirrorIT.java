package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.testsupport.github.AppKeys;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * A worker configured with a GitHub App (no token) mirrors private repositories: it finds the installation of the
 * repository's owner with the App's JWT, fetches with that installation's token as {@code x-access-token}, and uses a
 * renewed token once the first has expired. A private repository the installation does not reach is refused by
 * GitHub (404) and frozen as {@code source_gone}. No token, JWT or key text reaches a log line or a row.
 */
@ExtendWith(OutputCaptureExtension.class)
class GithubAppMirrorIT extends WorkerITSupport {

    static final long APP_ID = 161803;
    static final AppKeys KEYS = AppKeys.generate();
    static final Path KEY_FILE = AppKeys.write(ROOT.resolve("secrets/app.pem"), KEYS.pkcs1Pem());
    static final GithubApiStandIn APP_GITHUB = startGithub();
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);
    static final Duration RENEW_BEFORE = Duration.ofSeconds(2);

    @DynamicPropertySource
    static void appProperties(DynamicPropertyRegistry registry) {
        registry.add("forgesync.test.github-base-url", () -> APP_GITHUB.baseUri().toString());
        registry.add("forgesync.github.api-url", () -> APP_GITHUB.apiUri().toString());
        registry.add("forgesync.github.app-id", () -> Long.toString(APP_ID));
        registry.add("forgesync.github.app-private-key-file", KEY_FILE::toString);
        registry.add("forgesync.github.app-token-renew-before", () -> RENEW_BEFORE.toSeconds() + "s");
    }

    @AfterAll
    static void stopGithub() {
        APP_GITHUB.close();
    }

    @Test
    void mirrorsAPrivateRepositoryThroughTheAppAndFetchesAgainWithARenewedToken(CapturedOutput output) {
        String org = unique("app-org");
        String fullName = org + "/" + unique("private");
        APP_GITHUB.createOrg(org);
        APP_GITHUB.createRepository(fullName, new GithubApiStandIn.RepoOptions(false, false, true));
        APP_GITHUB.installApp(APP_ID, org, fullName);
        APP_GITHUB.appTokenLifetime(TOKEN_LIFETIME);
        String first = APP_GITHUB.commit(fullName, "main", "README.md", "private");
        long id = registerRepository(fullName, 3);

        requestSync(id, fullName);
        awaitFinishedSyncs(id, 1);
        assertThat(status(id)).isEqualTo("completed");
        assertThat(mirroredMain(id)).isEqualTo(first);

        GithubApiStandIn.AppToken used = APP_GITHUB.issuedAppTokens().get(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> Instant.now().isAfter(used.expiresAt()));
        String second = APP_GITHUB.commit(fullName, "main", "more.txt", "more");
        requestSync(id, fullName);
        awaitFinishedSyncs(id, 2);
        assertThat(status(id)).isEqualTo("completed");
        assertThat(mirroredMain(id)).isEqualTo(second);
        assertThat(APP_GITHUB.issuedAppTokens()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(APP_GITHUB.apiRequests()).filteredOn(e -> e.pathAndQuery().endsWith("/installation"))
                .as("the installation is looked up once per owner").hasSize(1);

        String outside = org + "/" + unique("outside");
        APP_GITHUB.createRepository(outside, new GithubApiStandIn.RepoOptions(false, false, true));
        long outsideId = registerRepository(outside, 3);
        requestSync(outsideId, outside);
        awaitStatus(outsideId, "permanent_failure");
        assertThat(logs(outsideId)).extracting(r -> r.get("error_code")).contains("source_gone");

        String rows = String.join("\n", jdbc.sql("""
                SELECT concat_ws(' ', (SELECT string_agg(l::text, ' ') FROM sync_logs l WHERE repository_id IN (:ids)),
                                      (SELECT string_agg(r::text, ' ') FROM repositories r WHERE id IN (:ids)))""")
                .param("ids", List.of(id, outsideId)).query(String.class).list());
        assertNoSecretIn(rows);
        assertNoSecretIn(output.getAll());
    }

    private String mirroredMain(long id) {
        long projectId = ((Number) row(id).get("onedev_project_id")).longValue();
        return SourceRepo.refsOf(ONEDEV.repositoryDirectory(projectId)).get("refs/heads/main").getName();
    }

    private static void assertNoSecretIn(String text) {
        for (GithubApiStandIn.AppToken token : APP_GITHUB.issuedAppTokens()) {
            assertThat(text).doesNotContain(token.value());
        }
        assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(KEYS.pkcs1Pem().lines().skip(1).findFirst()
                .orElseThrow()).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.");
    }

    private static GithubApiStandIn startGithub() {
        GithubApiStandIn github = GithubApiStandIn.start(ROOT.resolve("app-github"), null);
        github.registerApp(APP_ID, KEYS.publicKey());
        return github;
    }
}
