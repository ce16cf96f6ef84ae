package dev.forgesync.control.github;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.forgesync.githubauth.GithubAuthSettings;

/**
 * How control-service talks to GitHub.
 *
 * @param apiUrl          {@code FORGESYNC_GITHUB_API_URL}: the REST API ({@code https://api.github.com}; GitHub
 *                        Enterprise {@code https://<host>/api/v3})
 * @param baseUrl         {@code FORGESYNC_GITHUB_BASE_URL}: the git host ({@code <base>/<owner>/<repo>.git}), the
 *                        same setting the workers clone from; freshness reads ref advertisements there
 * @param token           {@code FORGESYNC_GITHUB_TOKEN}: a token (never logged or stored; sent in a header only)
 * @param tokenFile       {@code FORGESYNC_GITHUB_TOKEN_FILE}: a file holding the token instead (a mounted secret)
 * @param appId           {@code FORGESYNC_GITHUB_APP_ID}: authenticate as this GitHub App instead of a token (with
 *                        the key file; setting both a token and an App stops start-up)
 * @param appPrivateKeyFile {@code FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE}: the App's private key as GitHub hands it
 *                        out (PEM, {@code BEGIN RSA PRIVATE KEY}; PKCS#8 too), a mounted secret
 * @param appTokenRenewBefore how long before an installation access token expires (GitHub: after one hour) a new one
 *                        replaces it
 * @param rateLimitReserve requests left unused of the primary budget: at this many remaining, the client waits for
 *                        the reset instead of spending the last ones
 * @param maxWait         the longest the client waits for a reset or a {@code Retry-After}; longer is an error
 * @param requestTimeout  one request's timeout
 * @param etagEntries     answers kept with their ETag in {@code github_etags} for conditional requests, also after a
 *                        restart (least recently used go first)
 * @param pageSize        {@code per_page} of listings: GitHub's maximum, 100, costs the fewest requests
 */
@Validated
@ConfigurationProperties("forgesync.github")
public record GithubProperties(
        @NotNull @DefaultValue("https://api.github.com") URI apiUrl,
        @NotNull @DefaultValue("https://github.com") URI baseUrl,
        String token,
        Path tokenFile,
        String appId,
        Path appPrivateKeyFile,
        @NotNull @DefaultValue("5m") Duration appTokenRenewBefore,
        @Min(0) @DefaultValue("10") int rateLimitReserve,
        @NotNull @DefaultValue("65m") Duration maxWait,
        @NotNull @DefaultValue("30s") Duration requestTimeout,
        @Min(1) @DefaultValue("20000") int etagEntries,
        @Min(1) @Max(100) @DefaultValue("100") int pageSize) {

    /** What the credentials are made from (shared with the workers: module github-auth). */
    public GithubAuthSettings authSettings() {
        return new GithubAuthSettings(apiUrl, token, tokenFile, appId, appPrivateKeyFile, appTokenRenewBefore,
                requestTimeout);
    }

    @Override
    public String toString() {
        return "GithubProperties[apiUrl=" + apiUrl + ", baseUrl=" + baseUrl + ", token="
                + (token != null && !token.isBlank() ? "****" : "none") + ", tokenFile=" + tokenFile + ", appId=" + appId
                + ", appPrivateKeyFile=" + appPrivateKeyFile
                + ", rateLimitReserve=" + rateLimitReserve + ", maxWait=" + maxWait + "]";
    }
}
