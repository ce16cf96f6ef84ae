package dev.forgesync.worker.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.schema.SyncStatus;
import dev.forgesync.testsupport.onedev.OneDevStandIn;
import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.OneDevProperties;
import dev.forgesync.worker.onedev.OneDevClient;
import dev.forgesync.worker.onedev.OneDevProject;

/**
 * Where a repository lands in OneDev, against the stand-in: a private GitHub repository never lands where everyone
 * can read, even after an operator opened the public tree ({@code github}) to everyone.
 */
class OneDevDestinationIT {

    private static final String TOKEN = "canary-destination-token-31d7";
    private OneDevStandIn onedev;

    @BeforeEach
    void start(@TempDir Path root) {
        onedev = OneDevStandIn.start(root, TOKEN);
        onedev.openToEveryone(onedev.createProject("github", null).id());
    }

    @AfterEach
    void stop() {
        onedev.close();
    }

    @Test
    void aPrivateRepositoryIsNeverMirroredWhereEveryoneCanRead() {
        OneDevDestination destination = destination("github-private/{owner}/{repo}");

        OneDevProject secret = project(destination.prepare(row("octo", "secret", true, null)));
        OneDevProject open = project(destination.prepare(row("octo", "open", false, null)));

        assertThat(secret.path()).isEqualTo("github-private/octo/secret");
        assertThat(onedev.readableByEveryone(secret.id())).isFalse();
        assertThat(open.path()).isEqualTo("github/octo/open");
        assertThat(onedev.readableByEveryone(open.id())).isTrue();
    }

    @Test
    void aRepositoryThatTurnsPrivateMovesItsProjectOutOfTheOpenTree() {
        OneDevDestination destination = destination("github-private/{owner}/{repo}");
        OneDevProject wasPublic = project(destination.prepare(row("octo", "turning", false, null)));

        OneDevProject nowPrivate = project(destination.prepare(row("octo", "turning", true, wasPublic.id())));

        assertThat(nowPrivate.id()).isEqualTo(wasPublic.id());
        assertThat(nowPrivate.path()).isEqualTo("github-private/octo/turning");
        assertThat(onedev.readableByEveryone(nowPrivate.id())).isFalse();
        assertThat(onedev.projectByPath("github/octo/turning")).isEmpty();
    }

    @Test
    void anOperatorMayChooseToMirrorPrivateRepositoriesBesidePublicOnes() {
        OneDevDestination destination = destination("github/{owner}/{repo}");

        OneDevProject secret = project(destination.prepare(row("octo", "shared", true, null)));

        assertThat(secret.path()).isEqualTo("github/octo/shared");
        assertThat(onedev.readableByEveryone(secret.id())).isTrue();
    }

    private OneDevDestination destination(String privatePathTemplate) {
        OneDevProperties properties = new OneDevProperties(onedev.baseUri(), "bot", TOKEN, "github/{owner}/{repo}",
                privatePathTemplate, Duration.ofSeconds(2), Duration.ofSeconds(5));
        return new OneDevDestination(new OneDevClient(properties), properties);
    }

    private static OneDevProject project(PreparedDestination prepared) {
        return prepared.project().orElseThrow();
    }

    private static RepositoryRow row(String owner, String name, boolean isPrivate, Long projectId) {
        return new RepositoryRow(1, owner + "/" + name, owner, name, null, SyncStatus.IN_PROGRESS, 0, 3, false,
                isPrivate, projectId);
    }
}
