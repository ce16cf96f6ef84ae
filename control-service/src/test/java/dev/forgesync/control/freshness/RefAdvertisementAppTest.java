package dev.forgesync.control.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.githubauth.GithubAuthSettings;
import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.testsupport.github.AppKeys;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/** Freshness reads a private repository's refs with the installation token of its owner's GitHub App. */
class RefAdvertisementAppTest {

    private static final long APP_ID = 31415;
    private GithubApiStandIn github;
    private GithubCredentials app;

    @BeforeEach
    void start(@TempDir Path root) {
        AppKeys keys = AppKeys.generate();
        github = GithubApiStandIn.start(root.resolve("github"), null);
        github.registerApp(APP_ID, keys.publicKey());
        github.createOrg("acme");
        github.createRepository("acme/private", new GithubApiStandIn.RepoOptions(false, false, true));
        github.installApp(APP_ID, "acme");
        app = new GithubAuthSettings(github.apiUri(), null, null, Long.toString(APP_ID),
                AppKeys.write(root.resolve("app.pem"), keys.pkcs8Pem()), Duration.ofMinutes(5),
                Duration.ofSeconds(10)).credentials();
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void readsAPrivateRepositorysRefsWithTheInstallationTokenOfItsOwner() throws Exception {
        String tip = github.commit("acme/private", "main", "a.txt", "a");
        RefAdvertisement.Result result = new RefAdvertisement(github.baseUri(), app, Duration.ofSeconds(10))
                .read("acme/private");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.refs()).containsEntry("refs/heads/main", tip);
        assertThat(github.requests()).filteredOn(r -> r.path().endsWith("/info/refs"))
                .allSatisfy(r -> assertThat(r.query()).doesNotContain("ghs_"));

        RefAdvertisement anonymous = new RefAdvertisement(github.baseUri(), GithubCredentials.anonymous(),
                Duration.ofSeconds(10));
        assertThat(anonymous.read("acme/private").status()).as("GitHub asks for credentials").isEqualTo(401);
    }
}
