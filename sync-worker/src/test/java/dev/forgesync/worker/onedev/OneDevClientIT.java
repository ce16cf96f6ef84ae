package dev.forgesync.worker.onedev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.config.OneDevProperties;

/** The REST client against the OneDev stand-in: hierarchy, reuse, and errors that never carry the token. */
class OneDevClientIT {

    private static final String TOKEN = "canary-client-token-9b2f";
    private OneDevStandIn onedev;

    @BeforeEach
    void start(@TempDir Path root) {
        onedev = OneDevStandIn.start(root, TOKEN);
    }

    @AfterEach
    void stop() {
        onedev.close();
    }

    @Test
    void createsTheMissingHierarchyOnceAndThenReusesIt() {
        OneDevClient client = client(onedev.baseUri(), TOKEN);
        OneDevProject first = client.ensureProject("Octo", ".github");
        OneDevProject again = client.ensureProject("octo", ".GitHub");

        assertThat(first.created()).isTrue();
        assertThat(first.path()).isEqualTo("github/Octo/_.github");
        assertThat(first.gitUrl()).isEqualTo(URI.create(onedev.baseUri() + "/github/Octo/_.github.git"));
        assertThat(again.created()).isFalse();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(onedev.projects()).extracting(OneDevStandIn.Project::path)
                .containsExactly("github", "github/Octo", "github/Octo/_.github");
    }

    @Test
    void aRejectedTokenIsAPermanentFailureWhoseMessageHasNoToken() {
        onedev.acceptOnlyToken("something-else");
        assertThatThrownBy(() -> client(onedev.baseUri(), TOKEN).ensureProject("octo", "repo"))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("onedev_http_401");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Invalid account or incorrect credentials").doesNotContain(TOKEN);
                });
    }

    @Test
    void serverErrorsSlownessAndADownServerAreRetryable() {
        URI base = onedev.baseUri();
        onedev.failApiWith(503);
        assertThatThrownBy(() -> client(onedev.baseUri(), TOKEN).ensureProject("octo", "repo"))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> assertThat(e.retryable()).isTrue());
        onedev.failApiWith(0);

        onedev.delay(Duration.ofMillis(1500));
        OneDevClient impatient = new OneDevClient(new OneDevProperties(onedev.baseUri(), "bot", TOKEN,
                "github/{owner}/{repo}", Duration.ofSeconds(1), Duration.ofMillis(300)));
        assertThatThrownBy(() -> impatient.ensureProject("octo", "repo"))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> assertThat(e.code()).isEqualTo("onedev_unreachable"));
        onedev.delay(Duration.ZERO);

        onedev.down();
        assertThatThrownBy(() -> client(base, TOKEN).ensureProject("octo", "repo"))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("onedev_unreachable");
                    assertThat(e.retryable()).isTrue();
                });
    }

    private static OneDevClient client(URI url, String token) {
        return new OneDevClient(new OneDevProperties(url, "bot", token, "github/{owner}/{repo}",
                Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }
}
