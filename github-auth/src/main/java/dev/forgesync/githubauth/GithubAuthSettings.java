package dev.forgesync.githubauth;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The settings both services read (under {@code forgesync.github}) and the credentials they make. Either a token
 * ({@code FORGESYNC_GITHUB_TOKEN}, or {@code FORGESYNC_GITHUB_TOKEN_FILE}) or a GitHub App
 * ({@code FORGESYNC_GITHUB_APP_ID} with {@code FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE}), never both: {@link
 * #credentials()} refuses a mix with a message saying which settings clash, before anything is sent.
 *
 * @param apiUrl            the REST API the App's endpoints are on
 * @param token             a token, or null
 * @param tokenFile         a file holding the token, or null
 * @param appId             the App's id (or client id), or null
 * @param appPrivateKeyFile the App's PEM private key, or null
 * @param renewBefore       how long before {@code expires_at} an installation token is replaced
 * @param timeout           one request's timeout
 */
public record GithubAuthSettings(URI apiUrl, String token, Path tokenFile, String appId, Path appPrivateKeyFile,
                                 Duration renewBefore, Duration timeout) {

    public GithubCredentials credentials() {
        return credentials(Clock.systemUTC());
    }

    GithubCredentials credentials(Clock clock) {
        boolean app = present(appId) || present(appPrivateKeyFile);
        boolean hasToken = present(token) || present(tokenFile);
        if (app && hasToken) {
            throw new GithubAuthException("configure either a GitHub token (FORGESYNC_GITHUB_TOKEN or "
                    + "FORGESYNC_GITHUB_TOKEN_FILE) or a GitHub App (FORGESYNC_GITHUB_APP_ID and "
                    + "FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE), not both", 0, null);
        }
        if (app) {
            return app(clock);
        }
        return GithubCredentials.token(configuredToken());
    }

    /**
     * The configured token's text ({@code token}, else the content of {@code tokenFile}), or null (an App or nothing):
     * what a redactor must mask verbatim besides anything shaped like a GitHub token.
     */
    public String configuredToken() {
        return present(token) ? token : readTokenFile();
    }

    private GithubApp app(Clock clock) {
        if (!present(appId) || !present(appPrivateKeyFile)) {
            throw new GithubAuthException("a GitHub App needs both FORGESYNC_GITHUB_APP_ID and "
                    + "FORGESYNC_GITHUB_APP_PRIVATE_KEY_FILE", 0, null);
        }
        if (renewBefore.isNegative() || renewBefore.compareTo(Duration.ofMinutes(55)) > 0) {
            throw new GithubAuthException("the App token renewal margin must be between 0 and 55 minutes "
                    + "(installation tokens live one hour), not " + renewBefore, 0, null);
        }
        AppJwt jwt = new AppJwt(appId.trim(), AppPrivateKey.read(appPrivateKeyFile), clock);
        return new GithubApp(apiUrl, jwt, renewBefore, timeout, clock);
    }

    private String readTokenFile() {
        if (!present(tokenFile)) {
            return null;
        }
        try {
            return Files.readString(tokenFile).trim();
        } catch (IOException e) {
            throw new GithubAuthException("FORGESYNC_GITHUB_TOKEN_FILE is not readable: " + tokenFile, 0, null);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** An empty setting (Compose passes {@code FORGESYNC_..._FILE=} as an empty path) counts as absent. */
    private static boolean present(Path file) {
        return file != null && !file.toString().isBlank();
    }

    @Override
    public String toString() {
        return "GithubAuthSettings[apiUrl=" + apiUrl + ", token=" + (present(token) ? "****" : "none")
                + ", tokenFile=" + tokenFile + ", appId=" + appId + ", appPrivateKeyFile=" + appPrivateKeyFile
                + ", renewBefore=" + renewBefore + "]";
    }
}
