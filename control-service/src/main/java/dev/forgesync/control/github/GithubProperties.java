package dev.forgesync.control.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How control-service talks to GitHub.
 *
 * @param apiUrl          {@code FORGESYNC_GITHUB_API_URL}: the REST API ({@code https://api.github.com}; GitHub
 *                        Enterprise {@code https://<host>/api/v3})
 * @param baseUrl         {@code FORGESYNC_GITHUB_BASE_URL}: the git host ({@code <base>/<owner>/<repo>.git}), the
 *                        same setting the workers clone from; freshness reads ref advertisements there
 * @param token           {@code FORGESYNC_GITHUB_TOKEN}: a token (never logged or stored; sent in a header only)
 * @param tokenFile       {@code FORGESYNC_GITHUB_TOKEN_FILE}: a file holding the token instead (a mounted secret)
 * @param rateLimitReserve requests left unused of the primary budget: at this many remaining, the client waits for
 *                        the reset instead of spending the last ones
 * @param maxWait         the longest the client waits for a reset or a {@code Retry-After}; longer is an error
 * @param requestTimeout  one request's timeout
 * @param etagEntries     answers kept with their ETag for conditional requests (least recently used go first)
 * @param pageSize        {@code per_page} of listings: GitHub's maximum, 100, costs the fewest requests
 */
@Validated
@ConfigurationProperties("forgesync.github")
public record GithubProperties(
        @NotNull @DefaultValue("https://api.github.com") URI apiUrl,
        @NotNull @DefaultValue("https://github.com") URI baseUrl,
        String token,
        Path tokenFile,
        @Min(0) @DefaultValue("10") int rateLimitReserve,
        @NotNull @DefaultValue("65m") Duration maxWait,
        @NotNull @DefaultValue("30s") Duration requestTimeout,
        @Min(1) @DefaultValue("20000") int etagEntries,
        @Min(1) @Max(100) @DefaultValue("100") int pageSize) {

    /** The token from {@code token} or else {@code tokenFile} (trimmed), or null when neither is set. */
    public String resolveToken() {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        if (tokenFile == null) {
            return null;
        }
        try {
            String read = Files.readString(tokenFile).trim();
            return read.isEmpty() ? null : read;
        } catch (IOException e) {
            throw new UncheckedIOException("forgesync.github.token-file is not readable: " + tokenFile, e);
        }
    }

    @Override
    public String toString() {
        return "GithubProperties[apiUrl=" + apiUrl + ", baseUrl=" + baseUrl + ", token="
                + (token != null && !token.isBlank() ? "****" : "none") + ", tokenFile=" + tokenFile
                + ", rateLimitReserve=" + rateLimitReserve + ", maxWait=" + maxWait + "]";
    }
}
