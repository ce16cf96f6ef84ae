package dev.forgesync.testsupport.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.awaitility.Awaitility;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stand-in's GitHub Apps answer as docs.github.com says GitHub's do: "Generating a JSON Web Token (JWT) for a
 * GitHub App" (RS256, {@code iat} 60 s back recommended, {@code exp} at most 10 minutes ahead, {@code iss} the App),
 * "Generating an installation access token for a GitHub App" and the REST reference "GitHub Apps" (the look-ups
 * {@code GET /orgs/{org}/installation}, {@code /users/{username}/installation}, {@code /repos/{owner}/{repo}/installation},
 * {@code GET /app/installations}, and {@code POST /app/installations/{installation_id}/access_tokens} answering 201
 * with {@code token}, {@code expires_at}, {@code permissions}, {@code repository_selection}), and "Authenticating as a
 * GitHub App installation" (the token as {@code Authorization: Bearer} on REST and as the password of
 * {@code x-access-token} over git).
 */
class GithubAppStandInTest {

    private static final long APP_ID = 123456;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AppKeys KEYS = AppKeys.generate();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private GithubApiStandIn github;

    @BeforeEach
    void start(@TempDir Path root) {
        github = GithubApiStandIn.start(root, null);
        github.registerApp(APP_ID, KEYS.publicKey());
        github.createOrg("acme");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void findsAnOrganisationsInstallationAndMintsAnHourLongTokenWithTheDocumentedFields() throws Exception {
        long installation = github.installApp(APP_ID, "acme");
        HttpResponse<String> found = call("GET", "/orgs/acme/installation", jwt(60, 540));
        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(found.body());
        assertThat(body.get("id").asLong()).isEqualTo(installation);
        assertThat(body.get("account").get("login").asString()).isEqualTo("acme");
        assertThat(body.get("app_id").asLong()).isEqualTo(APP_ID);
        assertThat(body.get("target_type").asString()).isEqualTo("Organization");
        assertThat(body.get("access_tokens_url").asString()).endsWith("/app/installations/" + installation
                + "/access_tokens");

        HttpResponse<String> minted = call("POST", "/app/installations/" + installation + "/access_tokens",
                jwt(60, 540));
        assertThat(minted.statusCode()).isEqualTo(201);
        JsonNode token = JSON.readTree(minted.body());
        // Docs example: {"token": "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "expires_at": "2016-07-11T22:14:10Z",
        // "permissions": {...}, "repository_selection": "selected", ...}
        assertThat(token.get("token").asString()).matches("ghs_[A-Za-z0-9]{36}");
        assertThat(token.get("expires_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(Instant.parse(token.get("expires_at").asString()))
                .isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(token.get("permissions").get("contents").asString()).isEqualTo("read");
        assertThat(token.get("repository_selection").asString()).isEqualTo("all");

        JsonNode listed = JSON.readTree(call("GET", "/app/installations", jwt(60, 540)).body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asLong()).isEqualTo(installation);
    }

    @Test
    void answersTheInstallationOfAUserAndOfARepositoryAnd404WhereTheAppIsNotInstalled() throws Exception {
        github.createUser("octocat");
        github.createRepository("acme/widget");
        long onUser = github.installApp(APP_ID, "octocat");
        assertThat(JSON.readTree(call("GET", "/users/octocat/installation", jwt(60, 540)).body()).get("id").asLong())
                .isEqualTo(onUser);
        assertThat(call("GET", "/repos/acme/widget/installation", jwt(60, 540)).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/orgs/acme/installation", jwt(60, 540)).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/orgs/octocat/installation", jwt(60, 540)).statusCode()).as("a user is no org")
                .isEqualTo(404);
        long onOrg = github.installApp(APP_ID, "acme");
        assertThat(JSON.readTree(call("GET", "/repos/acme/widget/installation", jwt(60, 540)).body()).get("id")
                .asLong()).isEqualTo(onOrg);
    }

    @Test
    void acceptsTheRecommendedJwtAndRefusesAnExpiredOneOneTooLongAndOneSignedByAnotherKey() throws Exception {
        github.installApp(APP_ID, "acme");
        assertThat(call("GET", "/app", jwt(60, 600)).statusCode()).as("iat 60 s back, exp 10 min ahead")
                .isEqualTo(200);
        assertRefused(call("GET", "/app", jwt(700, -90)), "'Expiration time' claim ('exp') must be a numeric value "
                + "representing the future time at which the assertion expires");
        assertRefused(call("GET", "/app", jwt(0, 660)), "'Expiration time' claim ('exp') is too far in the future");
        assertRefused(call("GET", "/app", jwt(-120, 300)), "'Issued at' claim ('iat') must be an Integer "
                + "representing the time that the assertion was issued");
        assertRefused(call("GET", "/app", sign(AppKeys.generate(), Long.toString(APP_ID), 60, 540)),
                "A JSON web token could not be decoded");
        assertRefused(call("GET", "/app", sign(KEYS, "999", 60, 540)), "A JSON web token could not be decoded");
        assertRefused(call("GET", "/app", "not-a-jwt"), "Bad credentials");
    }

    @Test
    void anInstallationTokenReachesItsPrivateRepositoriesOverRestAndGitAndNothingOutside() throws Exception {
        github.createRepository("acme/secret", new GithubApiStandIn.RepoOptions(false, false, true));
        github.createRepository("acme/elsewhere", new GithubApiStandIn.RepoOptions(false, false, true));
        github.commit("acme/secret", "main", "a.txt", "a");
        long installation = github.installApp(APP_ID, "acme", "acme/secret");
        String token = mint(installation);

        assertThat(call("GET", "/repos/acme/secret", token).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/repos/acme/elsewhere", token).statusCode()).as("outside the installation")
                .isEqualTo(404);
        assertThat(call("GET", "/repos/acme/secret", null).statusCode()).as("anonymous").isEqualTo(404);
        assertThat(JSON.readTree(call("GET", "/orgs/acme/repos", token).body())).extracting(r -> r.get("full_name")
                .asString()).containsExactly("acme/secret");
        assertThat(call("POST", "/app/installations/" + installation + "/access_tokens", token).statusCode())
                .as("an installation token is no JWT").isEqualTo(401);

        assertThat(Git.lsRemoteRepository().setRemote(github.baseUri() + "/acme/secret.git")
                .setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", token)).call())
                .extracting(r -> r.getName()).contains("refs/heads/main");
        assertThatThrownBy(() -> Git.lsRemoteRepository().setRemote(github.baseUri() + "/acme/elsewhere.git")
                .setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", token)).call())
                .isInstanceOf(TransportException.class).hasMessageContaining("not found");
        assertThat(gitStatus("/acme/secret.git/info/refs?service=git-upload-pack", null)).as("anonymous")
                .isEqualTo(401);
    }

    @Test
    void refusesAnInstallationTokenOnceItHasExpired() throws Exception {
        github.createRepository("acme/secret", new GithubApiStandIn.RepoOptions(false, false, true));
        github.appTokenLifetime(Duration.ofSeconds(2));
        String token = mint(github.installApp(APP_ID, "acme"));
        assertThat(call("GET", "/repos/acme/secret", token).statusCode()).isEqualTo(200);
        Instant expiresAt = github.issuedAppTokens().get(0).expiresAt();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Instant.now().isBefore(expiresAt));
        assertRefused(call("GET", "/repos/acme/secret", token), "Bad credentials");
        assertThat(gitStatus("/acme/secret.git/info/refs?service=git-upload-pack", token)).isEqualTo(401);
    }

    /**
     * docs.github.com, "REST API endpoints for organization webhooks" and "... for repository webhooks": listing
     * hooks and deliveries needs the "Webhooks" permission (organization or repository) read, redelivering it write;
     * the owner's answers are 200/202, an installation without the permission gets
     * {@code 403 {"message": "Resource not accessible by integration"}}, and the documented answers of the list
     * endpoints are 200 and 404 (what a user who is not the owner sees).
     */
    @Test
    void webhooksAnswerOnlyAnInstallationWithTheWebhooksPermissionOrTheOwner() throws Exception {
        github.createOrg("readers");
        github.createOrg("writers");
        github.createRepository("writers/widget");
        long orgHook = github.createHook("readers", null, "https://forgesync.example/webhooks/github");
        long writersHook = github.createHook("writers", null, "https://forgesync.example/webhooks/github");
        long repoHook = github.createHook("writers", "writers/widget", "https://forgesync.example/webhooks/github");
        long delivery = github.recordDelivery(orgHook, "g-1", Instant.now(), 503, "push", null, 1L).id();
        long writersDelivery = github.recordDelivery(writersHook, "g-2", Instant.now(), 503, "push", null, 1L).id();
        String none = mint(github.installApp(APP_ID, "acme"));
        String read = mint(github.installApp(APP_ID, "readers", java.util.Map.of("organization_hooks", "read")));
        String write = mint(github.installApp(APP_ID, "writers", java.util.Map.of("organization_hooks", "write",
                "repository_hooks", "read", "contents", "read")));
        github.userToken("mallory", "ghp_mallory_is_no_owner");

        assertNotAccessible(call("GET", "/orgs/acme/hooks", none));
        assertThat(call("GET", "/orgs/readers/hooks", read).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/orgs/readers/hooks/" + orgHook + "/deliveries", read).statusCode()).isEqualTo(200);
        assertNotAccessible(call("POST", "/orgs/readers/hooks/" + orgHook + "/deliveries/" + delivery + "/attempts",
                read));
        assertNotAccessible(call("GET", "/orgs/readers/hooks", write));
        assertThat(call("POST", "/orgs/writers/hooks/" + writersHook + "/deliveries/" + writersDelivery
                + "/attempts", write).statusCode()).isEqualTo(202);
        assertThat(call("GET", "/repos/writers/widget/hooks/" + repoHook + "/deliveries", write).statusCode())
                .isEqualTo(200);
        assertThat(call("GET", "/orgs/writers/hooks/" + repoHook + "/deliveries", write).statusCode())
                .as("a repository's hook is not the organisation's").isEqualTo(404);
        assertThat(call("GET", "/orgs/readers/hooks", "ghp_mallory_is_no_owner").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/orgs/readers/hooks", null).statusCode()).isEqualTo(404);
        assertThat(github.redeliveryAttempts()).extracting(GithubApiStandIn.Delivery::guid).containsExactly("g-2");

        JsonNode granted = JSON.readTree(call("POST", "/app/installations/" + github.installApp(APP_ID, "late",
                java.util.Map.of("organization_hooks", "write")) + "/access_tokens", jwt(60, 540)).body());
        assertThat(granted.get("permissions").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("metadata", "organization_hooks");
        assertThat(granted.get("permissions").get("organization_hooks").asString()).isEqualTo("write");
    }

    private static void assertNotAccessible(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("message").asString())
                .isEqualTo("Resource not accessible by integration");
    }

    private String mint(long installation) throws Exception {
        HttpResponse<String> minted = call("POST", "/app/installations/" + installation + "/access_tokens",
                jwt(60, 540));
        assertThat(minted.statusCode()).isEqualTo(201);
        return JSON.readTree(minted.body()).get("token").asString();
    }

    private static void assertRefused(HttpResponse<String> response, String message) throws Exception {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("message").asString()).isEqualTo(message);
        assertThat(body.get("documentation_url").asString()).isEqualTo("https://docs.github.com/rest");
    }

    /** A JWT of the App issued {@code backSeconds} ago, expiring {@code aheadSeconds} from now. */
    private static String jwt(long backSeconds, long aheadSeconds) throws Exception {
        return sign(KEYS, Long.toString(APP_ID), backSeconds, aheadSeconds);
    }

    private static String sign(AppKeys keys, String iss, long backSeconds, long aheadSeconds) throws Exception {
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(
                        keys.pkcs8Pem().replaceAll("-----[A-Z ]+-----", ""))));
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().issuer(iss)
                .issueTime(Date.from(now.minusSeconds(backSeconds)))
                .expirationTime(Date.from(now.plusSeconds(aheadSeconds))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private HttpResponse<String> call(String method, String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(github.apiUri() + path))
                .header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int gitStatus(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(github.baseUri() + path));
        if (token != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    ("x-access-token:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
