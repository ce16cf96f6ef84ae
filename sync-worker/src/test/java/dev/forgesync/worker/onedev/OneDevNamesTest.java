package dev.forgesync.worker.onedev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OneDevNamesTest {

    private static final Set<String> RESERVED = Set.of("robots.txt", "sitemap.xml", "sitemap.txt", "favicon.ico",
            "favicon.png", "logo.png", "wicket", "projects");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "repo, repo",
            "Repo.With-Dots_1, Repo.With-Dots_1",
            "_private, _private",
            "___, ___",
            "x.-_, x.-_",
            ".github, _.github",
            "-dash, _-dash",
            "projects, projects_",
            "Projects, Projects_",
            "robots.txt, robots.txt_",
            "projects-x, projects-x"})
    void namesTheyAlwaysHadStayTheSame(String github, String onedev) {
        assertThat(OneDevNames.sanitize(github)).isEqualTo(onedev).matches("\\w[\\w.-]*");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "_.github, __.github",
            "_-x, __-x",
            "__.x, ___.x",
            "projects_, projects__",
            "wicket__, wicket___"})
    void aNameThatLooksEscapedIsEscapedOnceMore(String github, String onedev) {
        assertThat(OneDevNames.sanitize(github)).isEqualTo(onedev);
    }

    @Test
    void twoGitHubNamesNeverShareAOneDevNameAndEveryNameIsValidForOneDev() {
        Map<String, String> byOneDevName = new HashMap<>();
        for (String github : trickyNames()) {
            String onedev = OneDevNames.sanitize(github);
            assertThat(onedev).as(github).matches("\\w[\\w.-]*");
            assertThat(RESERVED).as(github).doesNotContain(onedev.toLowerCase(Locale.ROOT));
            String previous = byOneDevName.put(onedev.toLowerCase(Locale.ROOT), github);
            assertThat(previous).as("%s and %s both map to %s", previous, github, onedev).isNull();
        }
        assertThat(byOneDevName).hasSizeGreaterThan(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "ä", "a+b"})
    void refusesWhatIsNoGitHubName(String name) {
        assertThatThrownBy(() -> OneDevNames.sanitize(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildsThePathFromTheTemplate() {
        assertThat(OneDevNames.pathSegments("github/{owner}/{repo}", "octo", ".github"))
                .containsExactly("github", "octo", "_.github");
        assertThat(OneDevNames.pathSegments("mirrors/{owner}-{repo}", "octo", "cat")).containsExactly("mirrors", "octo-cat");
    }

    /** Prefixes, stems and suffixes around every escape rule, one per GitHub name (GitHub ignores case too). */
    private static Set<String> trickyNames() {
        List<String> prefixes = List.of("", "_", "__", "___", ".", "-", "..", "_.", "_-", "__.", "._", "-_", ".-", "-.");
        List<String> stems = List.of("", "github", "x", "X", "_", ".", "-", "projects", "PROJECTS", "wicket", "robots.txt",
                "favicon.ico", "a.b", "1", "projects.x");
        List<String> suffixes = List.of("", "_", "__", "___", ".", "-", "._", "_.");
        Set<String> lowerCase = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (String prefix : prefixes) {
            for (String stem : stems) {
                for (String suffix : suffixes) {
                    String name = prefix + stem + suffix;
                    if (!name.isEmpty() && lowerCase.add(name.toLowerCase(Locale.ROOT))) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }
}
