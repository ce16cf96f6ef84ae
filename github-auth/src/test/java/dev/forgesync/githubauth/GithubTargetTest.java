package dev.forgesync.githubauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GithubTargetTest {

    @Test
    void readsTheAccountOfEveryRestPathThatNamesOne() {
        assertThat(GithubTarget.ofApiPath("/orgs/acme/repos?per_page=100")).contains(GithubTarget.org("acme"));
        assertThat(GithubTarget.ofApiPath("/users/octocat/starred")).contains(GithubTarget.user("octocat"));
        assertThat(GithubTarget.ofApiPath("/repos/acme/widget/hooks/1/deliveries"))
                .contains(GithubTarget.repository("acme/widget"));
        assertThat(GithubTarget.ofApiPath("/repos/acme/widget")).contains(GithubTarget.repository("acme/widget"));
        assertThat(GithubTarget.ofApiPath("/repositories/1296269")).isEmpty();
        assertThat(GithubTarget.ofApiPath("/rate_limit")).isEmpty();
    }

    @Test
    void asksTheDocumentedEndpointForEachKindOfInstallation() {
        assertThat(GithubTarget.org("acme").installationPath()).isEqualTo("/orgs/acme/installation");
        assertThat(GithubTarget.user("octocat").installationPath()).isEqualTo("/users/octocat/installation");
        assertThat(GithubTarget.repository("acme/widget").installationPath())
                .isEqualTo("/repos/acme/widget/installation");
        assertThat(GithubTarget.repository("Acme/widget").account()).isEqualTo(GithubTarget.org("acme").account());
    }

    @Test
    void refusesNamesThatCouldLeaveThePath() {
        assertThatThrownBy(() -> GithubTarget.repository("acme/../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GithubTarget.org("a?b")).isInstanceOf(IllegalArgumentException.class);
    }
}
