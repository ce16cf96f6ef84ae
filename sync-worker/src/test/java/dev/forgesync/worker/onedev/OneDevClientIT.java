package dev.forgesync.worker.onedev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        OneDevProject first = client.ensureProject(path("Octo", ".github"), null);
        OneDevProject again = client.ensureProject(path("octo", ".GitHub"), null);

        assertThat(first.created()).isTrue();
        assertThat(first.path()).isEqualTo("github/Octo/_.github");
        assertThat(first.gitUrl()).isEqualTo(URI.create(onedev.baseUri() + "/github/Octo/_.github.git"));
        assertThat(again.created()).isFalse();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(onedev.projects()).extracting(OneDevStandIn.Project::path)
                .containsExactly("github", "github/Octo", "github/Octo/_.github");
    }

    @Test
    void aStoredProjectThatIsGoneIsReplacedAndTheReplacementNamesIt() {
        OneDevClient client = client(onedev.baseUri(), TOKEN);
        OneDevProject first = client.ensureProject(path("octo", "repo"), null);
        onedev.deleteProject(first.id());

        OneDevProject second = client.ensureProject(path("octo", "repo"), first.id());

        assertThat(second.created()).isTrue();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.replacedProjectId()).isEqualTo(first.id());
        assertThat(onedev.projectByPath("github/octo/repo")).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(second.id()));
    }

    @Test
    void aStoredProjectIsNeverMovedOntoAPathAnotherProjectHolds() {
        OneDevClient client = client(onedev.baseUri(), TOKEN);
        OneDevProject mine = client.ensureProject(path("octo", "old"), null);
        OneDevProject other = client.ensureProject(path("octo", "new"), null);

        assertThatThrownBy(() -> client.ensureProject(path("octo", "new"), mine.id()))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("onedev_path_taken");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains(String.valueOf(other.id()), "github/octo/new");
                });
        assertThat(onedev.projectByPath("github/octo/old")).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(mine.id()));
    }

    @Test
    void aStoredProjectAlreadyInPlaceCostsOneReadAndNoParentLookup() {
        OneDevClient client = client(onedev.baseUri(), TOKEN);
        OneDevProject created = client.ensureProject(path("octo", "repo"), null);
        onedev.clearRequests();

        OneDevProject stored = client.ensureProject(path("octo", "repo"), created.id());

        assertThat(stored.id()).isEqualTo(created.id());
        assertThat(stored.created()).isFalse();
        assertThat(onedev.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("GET /~api/projects/" + created.id());
    }

    @Test
    void aDescriptionTheStoredProjectAlreadyHasCostsNoFurtherRequestAndAChangedOneIsStillWritten() {
        OneDevClient client = client(onedev.baseUri(), TOKEN);
        OneDevProject created = client.ensureProject(path("octo", "repo"), null);
        assertThat(client.describe(created, "Mirror of https://github.com/octo/repo")).isTrue();

        OneDevProject stored = client.ensureProject(path("octo", "repo"), created.id());
        onedev.clearRequests();
        boolean unchanged = client.describe(stored, "Mirror of https://github.com/octo/repo");

        assertThat(unchanged).isFalse();
        assertThat(onedev.requests()).as("the project read by ensureProject already said it").isEmpty();
        assertThat(stored.readDescription()).isEqualTo("Mirror of https://github.com/octo/repo");

        assertThat(client.describe(stored, "Mirror of https://github.com/octo/renamed")).isTrue();
        assertThat(onedev.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("GET /~api/projects/" + created.id(), "POST /~api/projects/" + created.id());
        assertThat(onedev.projectByPath("github/octo/repo")).hasValueSatisfying(p -> assertThat(p.description())
                .isEqualTo("Mirror of https://github.com/octo/renamed"));
    }

    @Test
    void aMoveKeepsEverySettingOneDevHasForTheProject() {
        OneDevClient client = client(onedev.baseUri(), TOKEN);
        OneDevProject project = client.ensureProject(path("octo", "old"), null);
        String description = onedev.projectByPath("github/octo/old").orElseThrow().description();

        OneDevProject moved = client.ensureProject(path("Other", "new"), project.id());

        assertThat(moved.id()).isEqualTo(project.id());
        assertThat(moved.created()).isFalse();
        assertThat(moved.gitUrl()).isEqualTo(URI.create(onedev.baseUri() + "/github/Other/new.git"));
        assertThat(onedev.projectByPath("github/Other/new")).hasValueSatisfying(p -> {
            assertThat(p.id()).isEqualTo(project.id());
            assertThat(p.description()).isEqualTo(description);
            assertThat(p.issueManagement()).isFalse();
        });
    }

    @Test
    void aRejectedTokenIsAPermanentFailureWhoseMessageHasNoToken() {
        onedev.acceptOnlyToken("something-else");
        assertThatThrownBy(() -> client(onedev.baseUri(), TOKEN).ensureProject(path("octo", "repo"), null))
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
        assertThatThrownBy(() -> client(onedev.baseUri(), TOKEN).ensureProject(path("octo", "repo"), null))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> assertThat(e.retryable()).isTrue());
        onedev.failApiWith(0);

        onedev.delay(Duration.ofMillis(1500));
        OneDevClient impatient = new OneDevClient(new OneDevProperties(onedev.baseUri(), "bot", TOKEN,
                "github/{owner}/{repo}", "github-private/{owner}/{repo}", Duration.ofSeconds(1), Duration.ofMillis(300)));
        assertThatThrownBy(() -> impatient.ensureProject(path("octo", "repo"), null))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> assertThat(e.code()).isEqualTo("onedev_unreachable"));
        onedev.delay(Duration.ZERO);

        onedev.down();
        assertThatThrownBy(() -> client(base, TOKEN).ensureProject(path("octo", "repo"), null))
                .isInstanceOfSatisfying(OneDevFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("onedev_unreachable");
                    assertThat(e.retryable()).isTrue();
                });
    }

    private static List<String> path(String owner, String repo) {
        return OneDevNames.pathSegments("github/{owner}/{repo}", owner, repo);
    }

    private static OneDevClient client(URI url, String token) {
        return new OneDevClient(new OneDevProperties(url, "bot", token, "github/{owner}/{repo}",
                "github-private/{owner}/{repo}", Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }
}
