package dev.forgesync.githubauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.forgesync.testsupport.github.AppKeys;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/** A GitHub App against the stand-in: installations found once per account, tokens cached and renewed early. */
class GithubAppTest {

    private static final long APP_ID = 4242;
    private static final AppKeys KEYS = AppKeys.generate();
    private GithubApiStandIn github;
    private Path keyFile;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start(@TempDir Path root) {
        github = GithubApiStandIn.start(root.resolve("github"), null);
        github.registerApp(APP_ID, KEYS.publicKey());
        github.createOrg("acme");
        github.createUser("octocat");
        keyFile = AppKeys.write(root.resolve("app.pem"), KEYS.pkcs1Pem());
        logs.start();
        ((Logger) LoggerFactory.getLogger("dev.forgesync.githubauth")).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("dev.forgesync.githubauth")).detachAppender(logs);
        github.close();
    }

    @Test
    void mintsOneTokenPerInstallationAndReusesItUntilItIsDueForRenewal() {
        github.installApp(APP_ID, "acme");
        github.installApp(APP_ID, "octocat");
        GithubCredentials app = app(Duration.ofMinutes(5));

        String acme = app.token(GithubTarget.org("acme"));
        assertThat(app.token(GithubTarget.repository("acme/widget"))).as("same account, same installation")
                .isEqualTo(acme);
        String octocat = app.token(GithubTarget.user("octocat"));
        assertThat(octocat).isNotEqualTo(acme);
        assertThat(github.issuedAppTokens()).extracting(GithubApiStandIn.AppToken::value)
                .containsExactly(acme, octocat);
        assertThat(github.apiRequests()).extracting(e -> e.method() + " " + e.pathAndQuery()).containsExactly(
                "GET /orgs/acme/installation", "POST /app/installations/" + github.issuedAppTokens().get(0)
                        .installation() + "/access_tokens",
                "GET /users/octocat/installation", "POST /app/installations/" + github.issuedAppTokens().get(1)
                        .installation() + "/access_tokens");
    }

    @Test
    void renewsATokenBeforeItExpiresSoNoRequestCarriesAnExpiredOne() {
        github.installApp(APP_ID, "acme");
        github.appTokenLifetime(Duration.ofSeconds(4));
        GithubCredentials app = app(Duration.ofSeconds(3));
        String first = app.token(GithubTarget.org("acme"));
        Instant firstExpires = github.issuedAppTokens().get(0).expiresAt();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !app.token(GithubTarget.org("acme"))
                .equals(first));
        assertThat(Instant.now()).as("renewed before the first expired").isBefore(firstExpires);
        assertThat(github.issuedAppTokens()).hasSize(2);
        assertThat(github.apiRequests()).filteredOn(e -> e.pathAndQuery().endsWith("/installation")).hasSize(1);
    }

    @Test
    void aRefusedTokenIsForgottenAndReplaced() {
        github.installApp(APP_ID, "acme");
        GithubCredentials app = app(Duration.ofMinutes(5));
        String first = app.token(GithubTarget.org("acme"));
        app.refused(GithubTarget.repository("acme/widget"));
        assertThat(app.token(GithubTarget.org("acme"))).isNotEqualTo(first);
    }

    @Test
    void readsAnAccountItIsNotInstalledOnWithAnotherInstallationsTokenAndAsksAgainOnlyLater() {
        GithubCredentials app = app(Duration.ofMinutes(5));
        assertThat(app.token(GithubTarget.org("acme"))).as("no installation at all: anonymous").isNull();
        github.installApp(APP_ID, "octocat");
        String octocat = app.token(GithubTarget.repository("torvalds/linux"));
        assertThat(octocat).isEqualTo(app.token(GithubTarget.user("octocat")));
        assertThat(app.token(GithubTarget.org("acme"))).isEqualTo(octocat);
        assertThat(github.apiRequests()).filteredOn(e -> e.pathAndQuery().equals("/orgs/acme/installation"))
                .as("the negative answer is cached").hasSize(1);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("github app 4242 is not installed on acme: requests about it use another installation's "
                        + "token (public repositories only)");
    }

    @Test
    void saysWhenGithubRefusesTheAppWithoutShowingAJwtOrKey() {
        github.installApp(APP_ID, "acme");
        github.registerApp(APP_ID, AppKeys.generate().publicKey());
        GithubCredentials app = app(Duration.ofMinutes(5));
        assertThatThrownBy(() -> app.token(GithubTarget.org("acme"))).isInstanceOf(GithubAuthException.class)
                .hasMessage("GitHub App 4242 was refused (GET /orgs/acme/installation answered 401: "
                        + "A JSON web token could not be decoded)")
                .extracting(e -> ((GithubAuthException) e).status()).isEqualTo(401);
    }

    @Test
    void neverLogsATokenOrTheJwt() {
        github.installApp(APP_ID, "acme");
        github.appTokenLifetime(Duration.ofSeconds(3));
        GithubCredentials app = app(Duration.ofSeconds(2));
        String first = app.token(GithubTarget.org("acme"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !app.token(GithubTarget.org("acme"))
                .equals(first));
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.contains("new access token for installation"));
        for (GithubApiStandIn.AppToken token : github.issuedAppTokens()) {
            assertThat(lines).noneMatch(l -> l.contains(token.value()));
        }
        assertThat(lines).noneMatch(l -> l.contains("eyJ")).noneMatch(l -> l.contains("PRIVATE KEY"));
        assertThat(app.toString()).isEqualTo("GithubCredentials[GitHub App 4242]");
    }

    @Test
    void refusesATokenAndAnAppTogetherAndAnAppWithoutItsKey() {
        assertThatThrownBy(() -> settings("ghp_x", Long.toString(APP_ID), keyFile).credentials())
                .isInstanceOf(GithubAuthException.class).hasMessageContaining("not both")
                .hasMessageNotContaining("ghp_x");
        assertThatThrownBy(() -> settings(null, Long.toString(APP_ID), null).credentials())
                .hasMessageContaining("needs both FORGESYNC_GITHUB_APP_ID and FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE");
        assertThat(settings("ghp_x", null, null).credentials().token(GithubTarget.org("acme"))).isEqualTo("ghp_x");
        assertThat(settings(null, null, null).credentials().authenticates()).isFalse();
        assertThat(settings("ghp_x", "", Path.of("")).credentials().describe()).as("empty settings from Compose")
                .isEqualTo("token");
        assertThat(settings("ghp_secret", null, null).toString()).doesNotContain("ghp_secret");
    }

    private GithubCredentials app(Duration renewBefore) {
        return new GithubAuthSettings(github.apiUri(), null, null, Long.toString(APP_ID), keyFile, renewBefore,
                Duration.ofSeconds(10)).credentials();
    }

    private GithubAuthSettings settings(String token, String appId, Path key) {
        return new GithubAuthSettings(github.apiUri(), token, null, appId, key, Duration.ofMinutes(5),
                Duration.ofSeconds(10));
    }
}
