package dev.forgesync.worker.onedev;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OneDevNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "repo, repo",
            "Repo.With-Dots_1, Repo.With-Dots_1",
            ".github, _.github",
            "-dash, _-dash",
            "spaces and+plus, spaces-and-plus",
            "projects, projects_",
            "robots.txt, robots.txt_"})
    void makesNamesOneDevAccepts(String github, String onedev) {
        assertThat(OneDevNames.sanitize(github)).isEqualTo(onedev).matches("\\w[\\w.-]*");
    }

    @Test
    void buildsThePathFromTheTemplate() {
        assertThat(OneDevNames.pathSegments("github/{owner}/{repo}", "octo", ".github"))
                .containsExactly("github", "octo", "_.github");
        assertThat(OneDevNames.pathSegments("mirrors/{owner}-{repo}", "octo", "cat")).containsExactly("mirrors", "octo-cat");
    }
}
