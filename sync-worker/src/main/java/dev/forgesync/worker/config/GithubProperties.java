package dev.forgesync.worker.config;

import java.net.URI;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where sources are fetched from: {@code FORGESYNC_GITHUB_BASE_URL} (github.com, a GitHub Enterprise host or a test
 * stand-in) and an optional {@code FORGESYNC_GITHUB_TOKEN} for private repositories.
 *
 * @param baseUrl {@code FORGESYNC_GITHUB_BASE_URL}: the host clone URLs are built on ({@code <baseUrl>/<owner>/<repo>.git}); github.com, a GitHub Enterprise host, or a stand-in
 * @param token {@code FORGESYNC_GITHUB_TOKEN}: optional token for private repositories; reaches JGit only through a credentials provider, never logged or stored
 */
@Validated
@ConfigurationProperties("forgesync.github")
public record GithubProperties(@NotNull @DefaultValue("https://github.com") URI baseUrl, String token) {

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "GithubProperties[baseUrl=" + baseUrl + ", token=" + (hasToken() ? "****" : "none") + "]";
    }
}
