package dev.forgesync.testsupport.github;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.forgesync.testsupport.github.GithubApiServlet.Answer;
import dev.forgesync.testsupport.github.GithubApiStandIn.AppToken;
import dev.forgesync.testsupport.github.GithubApiStandIn.Caller;
import dev.forgesync.testsupport.github.GithubApps.Installation;

/**
 * The endpoints a GitHub App calls with its JWT, as docs.github.com's REST reference "GitHub Apps" describes them:
 * {@code GET /app}, {@code GET /app/installations}, {@code GET /app/installations/{installation_id}},
 * {@code POST /app/installations/{installation_id}/access_tokens} (201 with {@code token}, {@code expires_at},
 * {@code permissions}, {@code repository_selection}, and {@code repositories} for a selection),
 * {@code GET /orgs/{org}/installation}, {@code GET /users/{username}/installation} and
 * {@code GET /repos/{owner}/{repo}/installation} (404 where the App is not installed, or the installation does not
 * reach the repository). Without a valid JWT they answer 401 "A JSON web token could not be decoded".
 */
final class AppRoutes {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern INSTALLATIONS = Pattern.compile("/app/installations(?:/(\\d+)(/access_tokens)?)?");
    private static final Pattern ACCOUNT = Pattern.compile("/(orgs|users)/([^/]+)/installation");
    private static final Pattern REPOSITORY = Pattern.compile("/repos/([^/]+)/([^/]+)/installation");

    private final GithubApiStandIn github;

    AppRoutes(GithubApiStandIn github) {
        this.github = github;
    }

    Answer route(HttpServletRequest req, String path, Caller caller) {
        if (caller.appId() == null) {
            return Answer.error(401, GithubApps.UNDECODABLE, "https://docs.github.com/rest");
        }
        long app = caller.appId();
        String method = req.getMethod();
        Matcher m;
        if ("GET".equals(method) && path.equals("/app")) {
            return Answer.json(200, JSON.createObjectNode().put("id", app).put("slug", "forgesync-" + app)
                    .put("name", "forgesync " + app).toString());
        } else if ((m = INSTALLATIONS.matcher(path)).matches()) {
            return installations(method, app, m);
        } else if ("GET".equals(method) && (m = ACCOUNT.matcher(path)).matches()) {
            String type = m.group(1).equals("orgs") ? "Organization" : "User";
            return found(type.equals(github.accountType(m.group(2)))
                    ? github.apps().installationOn(app, m.group(2)) : Optional.empty());
        } else if ("GET".equals(method) && (m = REPOSITORY.matcher(path)).matches()) {
            return found(github.repository(m.group(1) + "/" + m.group(2)).flatMap(repo ->
                    github.apps().installationOn(app, repo.owner()).filter(i -> i.covers(repo))));
        }
        return Answer.notFound();
    }

    private Answer installations(String method, long app, Matcher m) {
        if (m.group(1) == null) {
            if (!"GET".equals(method)) {
                return Answer.notFound();
            }
            ArrayNode list = JSON.createArrayNode();
            github.apps().installationsOf(app).forEach(i -> list.add(installation(i)));
            return Answer.json(200, list.toString());
        }
        Optional<Installation> installation = github.apps().installation(app, Long.parseLong(m.group(1)));
        if (m.group(2) == null) {
            return "GET".equals(method) ? found(installation) : Answer.notFound();
        }
        if (!"POST".equals(method) || installation.isEmpty()) {
            return Answer.notFound();
        }
        return Answer.json(201, accessToken(installation.get(), github.apps().issue(installation.get())).toString());
    }

    private Answer found(Optional<Installation> installation) {
        return installation.map(i -> Answer.json(200, installation(i).toString())).orElseGet(Answer::notFound);
    }

    private ObjectNode installation(Installation i) {
        ObjectNode node = JSON.createObjectNode().put("id", i.id());
        String type = Optional.ofNullable(github.accountType(i.account())).orElse("User");
        node.putObject("account").put("login", i.account()).put("id", Math.abs(i.account().hashCode()))
                .put("type", type);
        node.put("repository_selection", i.all() ? "all" : "selected")
                .put("access_tokens_url", github.apiUri() + "/app/installations/" + i.id() + "/access_tokens")
                .put("repositories_url", github.apiUri() + "/installation/repositories")
                .put("app_id", i.appId()).put("target_id", Math.abs(i.account().hashCode()))
                .put("target_type", type).put("created_at", i.createdAt().toString())
                .put("updated_at", i.createdAt().toString()).putNull("single_file_name");
        permissions(node, i);
        node.putArray("events").add("push").add("repository");
        return node;
    }

    private ObjectNode accessToken(Installation i, AppToken token) {
        ObjectNode node = JSON.createObjectNode().put("token", token.value())
                .put("expires_at", token.expiresAt().toString());
        permissions(node, i);
        node.put("repository_selection", i.all() ? "all" : "selected");
        if (!i.all()) {
            ArrayNode repositories = node.putArray("repositories");
            i.repositories().forEach(name -> github.repository(name).ifPresent(r -> repositories.addObject()
                    .put("id", r.id()).put("name", r.name()).put("full_name", r.fullName())
                    .put("private", r.isPrivate())));
        }
        return node;
    }

    private static void permissions(ObjectNode node, Installation i) {
        ObjectNode permissions = node.putObject("permissions");
        i.permissions().forEach(permissions::put);
    }
}
