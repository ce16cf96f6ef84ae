package dev.forgesync.githubauth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A GitHub App ("Authenticating as a GitHub App installation"): the installation of an account is found with the
 * App's JWT ({@code GET /orgs/{org}/installation}, {@code /users/{username}/installation} or
 * {@code /repos/{owner}/{repo}/installation}) and cached per account; its access token comes from
 * {@code POST /app/installations/{installation_id}/access_tokens}, is cached, and is replaced once fewer than
 * {@code renewBefore} are left before its {@code expires_at} (GitHub's tokens live one hour), so a request never
 * carries a token about to expire. Thread-safe; minting is serialised (it is rare: once an hour per installation).
 */
public final class GithubApp implements GithubCredentials {

    /** An installation access token and when it expires; its text is never shown. */
    record InstallationToken(long installation, String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "InstallationToken[installation=" + installation + ", expiresAt=" + expiresAt + "]";
        }
    }

    private static final Logger log = LoggerFactory.getLogger(GithubApp.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration NOT_INSTALLED_RECHECK = Duration.ofMinutes(10);

    private final URI apiUrl;
    private final AppJwt jwt;
    private final Duration renewBefore;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Long> installations = new HashMap<>();
    private final Map<Long, InstallationToken> tokens = new HashMap<>();
    private final Map<String, Instant> notInstalled = new HashMap<>();

    GithubApp(URI apiUrl, AppJwt jwt, Duration renewBefore, Duration timeout, Clock clock) {
        this.apiUrl = apiUrl;
        this.jwt = jwt;
        this.renewBefore = renewBefore;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
    }

    /**
     * The token of the installation on the target's account; where the App is not installed, the token of any of
     * its installations (it reads public repositories everywhere, with the App's rate limit), or null when the App
     * has no installation at all.
     */
    @Override
    public synchronized String token(GithubTarget target) {
        Optional<Long> installation = installationOf(target);
        return installation.isPresent() ? tokenOf(installation.get(), target.owner()) : anyToken();
    }

    @Override
    public synchronized String anyToken() {
        Optional<Long> any = installations.values().stream().findFirst().or(this::firstListedInstallation);
        return any.map(id -> tokenOf(id, "installation " + id)).orElse(null);
    }

    @Override
    public synchronized boolean refused(GithubTarget target) {
        Long installation = installations.remove(target.account());
        if (installation == null) {
            return false;
        }
        tokens.remove(installation);
        log.info("github app {}: a token of installation {} ({}) was refused; a new one will be made",
                jwt.appId(), installation, target.owner());
        return true;
    }

    private String tokenOf(long installation, String owner) {
        InstallationToken current = tokens.get(installation);
        if (current == null || !clock.instant().isBefore(current.expiresAt().minus(renewBefore))) {
            current = mint(installation, owner);
            tokens.put(installation, current);
        }
        return current.value();
    }

    @Override
    public boolean authenticates() {
        return true;
    }

    @Override
    public String describe() {
        return "GitHub App " + jwt.appId();
    }

    @Override
    public String toString() {
        return "GithubCredentials[" + describe() + "]";
    }

    /**
     * The installation of the target's account, looked up once per account; an account without one is asked again
     * after {@link #NOT_INSTALLED_RECHECK} (the App may be installed meanwhile).
     */
    private Optional<Long> installationOf(GithubTarget target) {
        Long known = installations.get(target.account());
        if (known != null) {
            return Optional.of(known);
        }
        Instant checked = notInstalled.get(target.account());
        if (checked != null && clock.instant().isBefore(checked.plus(NOT_INSTALLED_RECHECK))) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = call("GET", target.installationPath(), target);
        } catch (GithubAuthException e) {
            if (e.status() != 404) {
                throw e;
            }
            notInstalled.put(target.account(), clock.instant());
            log.info("github app {} is not installed on {}: requests about it use another installation's token "
                    + "(public repositories only)", jwt.appId(), target.owner());
            return Optional.empty();
        }
        notInstalled.remove(target.account());
        long id = body.path("id").asLong(0);
        if (id <= 0) {
            throw new GithubAuthException("GitHub answered GET " + target.installationPath()
                    + " without an installation id", 200, null);
        }
        installations.put(target.account(), id);
        log.info("github app {}: installation {} serves {}", jwt.appId(), id, target.owner());
        return Optional.of(id);
    }

    /** The first installation {@code GET /app/installations} lists (cached under its account), if any. */
    private Optional<Long> firstListedInstallation() {
        JsonNode list = call("GET", "/app/installations", null);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        JsonNode first = list.get(0);
        long id = first.path("id").asLong(0);
        installations.put(first.path("account").path("login").asString("").toLowerCase(java.util.Locale.ROOT), id);
        return Optional.of(id);
    }

    private InstallationToken mint(long installation, String owner) {
        JsonNode body = call("POST", "/app/installations/" + installation + "/access_tokens", null);
        String value = body.path("token").asString("");
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(body.path("expires_at").asString(""));
        } catch (DateTimeParseException e) {
            throw new GithubAuthException("GitHub answered an access token of installation " + installation
                    + " without a readable expires_at", 201, null);
        }
        if (value.isEmpty()) {
            throw new GithubAuthException("GitHub answered no access token for installation " + installation, 201, null);
        }
        log.info("github app {}: new access token for installation {} ({}), expires at {}", jwt.appId(),
                installation, owner, expiresAt);
        return new InstallationToken(installation, value, expiresAt);
    }

    /** One App request with a fresh JWT; anything but 2xx is a {@link GithubAuthException} naming the status. */
    private JsonNode call(String method, String path, GithubTarget target) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl.toString().replaceAll("/+$", "") + path))
                .timeout(timeout).header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28").header("User-Agent", "forgesync")
                .header("Authorization", "Bearer " + jwt.sign())
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = send(request, method, path);
        if (response.statusCode() / 100 != 2) {
            throw refusal(method, path, target, response);
        }
        try {
            return JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new GithubAuthException("GitHub answered " + method + " " + path + " with a body that is not JSON",
                    response.statusCode(), null);
        }
    }

    private HttpResponse<String> send(HttpRequest request, String method, String path) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new GithubAuthException("GitHub unreachable: " + method + " " + path + ": "
                    + e.getClass().getSimpleName(), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GithubAuthException("interrupted: " + method + " " + path, 0, e);
        }
    }

    private GithubAuthException refusal(String method, String path, GithubTarget target,
                                        HttpResponse<String> response) {
        int status = response.statusCode();
        String message;
        try {
            message = JSON.readTree(response.body()).path("message").asString("");
        } catch (JacksonException e) {
            message = "";
        }
        String what = target != null && status == 404
                ? "GitHub App " + jwt.appId() + " is not installed on " + target
                : "GitHub App " + jwt.appId() + " was refused";
        return new GithubAuthException(what + " (" + method + " " + path + " answered " + status
                + (message.isEmpty() ? "" : ": " + message) + ")", status, null);
    }
}
