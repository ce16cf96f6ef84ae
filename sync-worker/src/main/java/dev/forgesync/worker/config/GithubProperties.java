package dev.forgesync.worker.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.forgesync.githubauth.GithubAuthSettings;
import dev.forgesync.githubauth.GithubCredentials;

/**
 * Where sources are fetched from ({@code FORGESYNC_GITHUB_BASE_URL}: github.com, a GitHub Enterprise host or a test
 * stand-in) and how private ones are reached: a token, or a GitHub App whose installation token for the repository's
 * owner is fetched for each fetch (module github-auth). A token and an App together stop start-up.
 *
 * @param baseUrl {@code FORGESYNC_GITHUB_BASE_URL}: the host clone URLs are built on ({@code <baseUrl>/<owner>/<repo>.git}); github.com, a GitHub Enterprise host, or a stand-in
 * @param apiUrl {@code FORGESYNC_GITHUB_API_URL}: the REST API a GitHub App finds installations and mints tokens on ({@code https://api.github.com}; GitHub Enterprise {@code https://<host>/api/v3})
 * @param token {@code FORGESYNC_GITHUB_TOKEN}: optional token for private repositories; reaches JGit only through a credentials provider, never logged or stored
 * @param tokenFile {@code FORGESYNC_GITHUB_TOKEN_FILE}: a file holding the token instead (a mounted secret)
 * @param appId {@code FORGESYNC_GITHUB_APP_ID}: fetch as this GitHub App (with the key file) instead of a token
 * @param appPrivateKeyFile {@code FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE}: the App's private key as GitHub hands it out (PEM, {@code BEGIN RSA PRIVATE KEY}; PKCS#8 too), a mounted secret
 * @param appTokenRenewBefore how long before an installation access token expires (GitHub: after one hour) a new one replaces it
 */
@Validated
@ConfigurationProperties("forgesync.github")
public record GithubProperties(@NotNull @DefaultValue("https://github.com") URI baseUrl,
                               @NotNull @DefaultValue("https://api.github.com") URI apiUrl,
                               String token,
                               Path tokenFile,
                               String appId,
                               Path appPrivateKeyFile,
                               @NotNull @DefaultValue("5m") Duration appTokenRenewBefore) {

    @ConstructorBinding
    public GithubProperties {
    }

    /** Sources at {@code baseUrl}, reached with {@code token} (or anonymously when null). */
    public GithubProperties(URI baseUrl, String token) {
        this(baseUrl, URI.create("https://api.github.com"), token, null, null, null, Duration.ofMinutes(5));
    }

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    /** The credentials these settings describe (a token, a GitHub App, or none); a token and an App is an error. */
    public GithubCredentials credentials() {
        return authSettings().credentials();
    }

    /** The configured token ({@code token}, else the content of {@code tokenFile}), or null: for the redactor. */
    public String configuredToken() {
        return authSettings().configuredToken();
    }

    private GithubAuthSettings authSettings() {
        return new GithubAuthSettings(apiUrl, token, tokenFile, appId, appPrivateKeyFile, appTokenRenewBefore,
                Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        return "GithubProperties[baseUrl=" + baseUrl + ", apiUrl=" + apiUrl + ", token=" + (hasToken() ? "****" : "none")
                + ", tokenFile=" + tokenFile + ", appId=" + appId + ", appPrivateKeyFile=" + appPrivateKeyFile + "]";
    }
}
