package dev.forgesync.control.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.testsupport.github.AppKeys;

/**
 * control-service starts with a token or a GitHub App, and refuses to start with both (the client's ETag store gets a
 * data source it never connects to here).
 */
class GithubConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(GithubConfiguration.class)
            .withBean(DataSource.class, SimpleDriverDataSource::new);

    @Test
    void refusesToStartWithATokenAndAGithubAppNamingBothSettings(@TempDir Path dir) {
        Path key = AppKeys.write(dir.resolve("app.pem"), AppKeys.generate().pkcs1Pem());
        context.withPropertyValues("forgesync.github.token=ghp_both_configured_0123456789",
                        "forgesync.github.app-id=12345", "forgesync.github.app-private-key-file=" + key)
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("FORGESYNC_GITHUB_TOKEN").hasMessageContaining("FORGESYNC_GITHUB_APP_ID")
                        .hasMessageContaining("not both").hasMessageNotContaining("ghp_both_configured"));
    }

    @Test
    void startsAsAGithubAppWithTheKeyGithubHandsOut(@TempDir Path dir) {
        Path key = AppKeys.write(dir.resolve("app.pem"), AppKeys.generate().pkcs1Pem());
        context.withPropertyValues("forgesync.github.app-id=12345", "forgesync.github.app-private-key-file=" + key)
                .run(started -> assertThat(started.getBean(GithubCredentials.class).describe())
                        .isEqualTo("GitHub App 12345"));
    }
}
