package dev.forgesync.worker.onedev;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.forgesync.worker.config.OneDevProperties;

/**
 * OneDev's REST API as the mirror needs it (onedev-api.md): find a project by path with the {@code Path} query
 * (it works on every {@code /~api} version), create missing levels of the hierarchy one by one, Basic auth with the
 * access token. Every non-2xx answer is a {@link OneDevFailure}; the only HTTP client types live here.
 */
public class OneDevClient {

    private static final Logger log = LoggerFactory.getLogger(OneDevClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_BODY_IN_MESSAGE = 300;

    private final OneDevProperties properties;
    private final String base;
    private final HttpClient http;

    public OneDevClient(OneDevProperties properties) {
        this.properties = properties;
        this.base = properties.url().toString().replaceAll("/+$", "");
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The project for {@code owner/repo} under the path template, creating it and its parents when missing. */
    public OneDevProject ensureProject(String owner, String repo) {
        List<String> segments = OneDevNames.pathSegments(properties.pathTemplate(), owner, repo);
        Long parentId = null;
        String path = null;
        boolean created = false;
        for (int i = 0; i < segments.size(); i++) {
            String name = segments.get(i);
            path = path == null ? name : path + "/" + name;
            Optional<Long> existing = findProjectId(path);
            boolean leaf = i == segments.size() - 1;
            if (existing.isPresent()) {
                parentId = existing.get();
            } else {
                parentId = create(name, parentId, path, leaf);
                created = leaf;
            }
        }
        return new OneDevProject(parentId, path, URI.create(base + "/" + path + ".git"), created);
    }

    /** The id of the project at {@code path} (case-insensitive, as OneDev compares), if there is one. */
    public Optional<Long> findProjectId(String path) {
        String query = "\"Path\" is \"" + path + "\"";
        String url = base + "/~api/projects?query=" + encode(query) + "&offset=0&count=10";
        JsonNode projects = parse(send(HttpRequest.newBuilder(URI.create(url)).GET(), "GET /~api/projects"));
        for (JsonNode p : projects) {
            JsonNode found = p.get("path");
            if (found != null && found.asString().equalsIgnoreCase(path) && p.hasNonNull("id")) {
                return Optional.of(p.get("id").longValue());
            }
        }
        return Optional.empty();
    }

    private long create(String name, Long parentId, String path, boolean leaf) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        body.put("description", leaf ? "Mirror of GitHub, kept by forgesync" : "Mirrors kept by forgesync");
        body.put("codeManagement", leaf);
        body.put("issueManagement", false);
        body.putObject("gitPackConfig");
        body.putObject("codeAnalysisSetting");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/~api/projects"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        try {
            long id = parse(send(request, "POST /~api/projects")).longValue();
            log.info("created OneDev project {} (id {})", path, id);
            return id;
        } catch (OneDevFailure e) {
            // 500 is also OneDev's answer to a duplicate name: another worker may have created it just now.
            if (e.status() == 500) {
                Optional<Long> raced = findProjectId(path);
                if (raced.isPresent()) {
                    return raced.get();
                }
            }
            throw e;
        }
    }

    private String send(HttpRequest.Builder request, String what) {
        request.timeout(properties.requestTimeout()).header("Accept", "application/json");
        if (properties.token() != null && !properties.token().isBlank()) {
            request.header("Authorization", basic(properties.user(), properties.token()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw OneDevFailure.unreachable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OneDevFailure.unreachable(what, e);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new OneDevFailure(status, what + " answered " + status + ": " + excerpt(response.body()), null);
        }
        return response.body();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new OneDevFailure(502, "OneDev answered with invalid JSON: " + excerpt(body), e);
        }
    }

    private static String basic(String user, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() > MAX_BODY_IN_MESSAGE ? oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "…" : oneLine;
    }
}
