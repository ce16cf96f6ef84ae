package dev.forgesync.worker.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.OneDevProperties;

class RedactorTest {

    private static final String CANARY = "canary-token-5d1e";
    private final Redactor redactor = new Redactor(List.of(CANARY, ""));

    @Test
    void removesConfiguredTokensUrlCredentialsAndAuthorizationValues() {
        String text = "push to https://bot:" + CANARY + "@onedev.example/x.git failed; header Basic "
                + "Ym90OmNhbmFyeS10b2tlbg== and Bearer abcdefghijkl; token " + CANARY;
        String clean = redactor.redact(text);
        assertThat(clean).doesNotContain(CANARY, "Ym90OmNhbmFyeS10b2tlbg==", "abcdefghijkl", "bot:")
                .contains("https://****@onedev.example/x.git", "Basic ****", "Bearer ****");
    }

    @Test
    void removesGithubTokensItWasNeverToldAboutSuchAsAnAppsHourlyInstallationTokens() {
        String clean = redactor.redact("fetch with ghs_16C7e42F292c6912E7710c838347Ae178B4a refused; "
                + "ghp_abcdefghijklmnopqrstuvwxyz0123456789 and github_pat_11ABCDEFG0123456789_abcdefghijkl");
        assertThat(clean).doesNotContain("16C7e42F292c6912E7710c838347Ae178B4a", "abcdefghijklmnopqrstuvwxyz0123",
                "11ABCDEFG0123456789").contains("ghs_****", "ghp_****", "github_pat_****");
    }

    @Test
    void keepsOrdinaryTextAndCutsVeryLongMessages() {
        assertThat(redactor.redact("GET /~api/projects answered 500: boom")).isEqualTo("GET /~api/projects answered 500: boom");
        assertThat(redactor.redact("x".repeat(10_000))).hasSizeLessThan(4_100);
        assertThat(redactor.redact(null)).isNull();
    }

    @Test
    void removesATokenReadFromTheTokenFileEvenWithoutGithubsPrefix(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("github-token"), "file-canary-7f3a9\n");
        GithubProperties github = new GithubProperties(URI.create("https://github.com"),
                URI.create("https://api.github.com"), null, file, null, null, Duration.ofMinutes(5));
        Redactor fromSettings = new Redactor(github, onedev());
        assertThat(fromSettings.redact("fetch refused for file-canary-7f3a9")).isEqualTo("fetch refused for ****");
    }

    private static OneDevProperties onedev() {
        return new OneDevProperties(URI.create("http://onedev.example"), "bot", "onedev-canary-1234", "github/{owner}/{repo}",
                "github-private/{owner}/{repo}", Duration.ofSeconds(10), Duration.ofSeconds(30));
    }
}
