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
import java.util.Objects;
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
 * (it works on every {@code /~api} version), create missing levels of the hierarchy one by one, move a project by
 * posting it back with a new name and parent (§7.2: the body replaces every field, so it is the project as OneDev
 * just returned it), Basic auth with the access token. Every non-2xx answer is a {@link OneDevFailure}; the only
 * HTTP client types live here.
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

    /**
     * The project at the path {@code segments} name. When {@code storedProjectId} is set and that project still
     * exists, it is the one: moved there (renamed, re-parented, parents created) if it is elsewhere, so a renamed or
     * transferred repository keeps its project and its id. Otherwise the project at the path is found or created.
     */
    public OneDevProject ensureProject(List<String> segments, Long storedProjectId) {
        if (storedProjectId == null) {
            return findOrCreate(segments);
        }
        Optional<ObjectNode> stored = project(storedProjectId);
        if (stored.isPresent()) {
            return place(storedProjectId, stored.get(), segments);
        }
        log.warn("OneDev project {} is gone; the repository gets a project at {}", storedProjectId, join(segments));
        return findOrCreate(segments).replacing(storedProjectId);
    }

    private OneDevProject findOrCreate(List<String> segments) {
        Long parentId = ensureParents(segments);
        String path = join(segments);
        Optional<Long> existing = findProjectId(path);
        if (existing.isPresent()) {
            return project(existing.get(), path, false);
        }
        return project(create(leaf(segments), parentId, path, true), path, true);
    }

    /**
     * Renames and re-parents the stored project when it is not where {@code segments} say. A project whose
     * {@code path} (OneDev's {@code parent.path + "/" + name}, onedev-api.md §2.3) is already exactly that is in
     * place: its parents exist, so no lookup is needed (the common case costs the one project read).
     */
    private OneDevProject place(long id, ObjectNode stored, List<String> segments) {
        String path = join(segments);
        String description = stored.path("description").asString(null);
        if (path.equals(stored.path("path").asString(null))) {
            return project(id, path, false, description);
        }
        Long parentId = ensureParents(segments);
        String name = leaf(segments);
        Long storedParent = stored.hasNonNull("parentId") ? stored.get("parentId").longValue() : null;
        if (name.equals(stored.path("name").asString()) && Objects.equals(parentId, storedParent)) {
            return project(id, path, false, description);
        }
        Optional<Long> occupant = findProjectId(path);
        if (occupant.isPresent() && occupant.get() != id) {
            throw OneDevFailure.pathTaken(path, occupant.get(), id);
        }
        String from = stored.path("path").asString(null);
        stored.put("name", name);
        stored.put("parentId", parentId);
        send(jsonPost("/~api/projects/" + id, stored), "POST /~api/projects/" + id);
        log.info("moved OneDev project {} from {} to {}", id, from, path);
        return project(id, path, false, description);
    }

    /** The ids down to the leaf's parent, creating missing levels; null when the leaf is a root project. */
    private Long ensureParents(List<String> segments) {
        Long parentId = null;
        String path = null;
        for (String name : segments.subList(0, segments.size() - 1)) {
            path = path == null ? name : path + "/" + name;
            Optional<Long> existing = findProjectId(path);
            parentId = existing.isPresent() ? existing.get() : create(name, parentId, path, false);
        }
        return parentId;
    }

    /** The project with this id as OneDev returns it, or empty when OneDev has no such project (404). */
    private Optional<ObjectNode> project(long id) {
        String what = "GET /~api/projects/" + id;
        try {
            JsonNode found = parse(send(HttpRequest.newBuilder(URI.create(base + "/~api/projects/" + id)).GET(), what));
            if (!(found instanceof ObjectNode object)) {
                throw new OneDevFailure(502, what + " answered something other than a project", null);
            }
            return Optional.of(object);
        } catch (OneDevFailure e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private OneDevProject project(long id, String path, boolean created) {
        return project(id, path, created, null);
    }

    private OneDevProject project(long id, String path, boolean created, String description) {
        return new OneDevProject(id, path, URI.create(base + "/" + path + ".git"), created, null, description);
    }

    /**
     * {@link #describe(long, String)} without reading the project again when {@code project} was read in this sync
     * and already says {@code description} (the common case: nothing changed); true when it changed.
     */
    public boolean describe(OneDevProject project, String description) {
        return !description.equals(project.readDescription()) && describe(project.id(), description);
    }

    /**
     * Sets the project's description when it differs (§7.2: GET the project, change the field, POST the whole object
     * back); true when it changed.
     */
    public boolean describe(long projectId, String description) {
        ObjectNode project = project(projectId)
                .orElseThrow(() -> new OneDevFailure(404, "OneDev project " + projectId + " is gone", null));
        if (description.equals(project.path("description").asString(null))) {
            return false;
        }
        project.put("description", description);
        send(jsonPost("/~api/projects/" + projectId, project), "POST /~api/projects/" + projectId);
        return true;
    }

    /**
     * Makes {@code branch} the project's default branch when it is not already (§6:
     * {@code GET|POST /~api/repositories/{projectId}/default-branch}, the body a JSON string); true when it changed.
     */
    public boolean defaultBranch(long projectId, String branch) {
        String path = "/~api/repositories/" + projectId + "/default-branch";
        String current = send(HttpRequest.newBuilder(URI.create(base + path)).GET(), "GET " + path);
        if (!current.isBlank() && branch.equals(parse(current).asString(null))) {
            return false;
        }
        send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(branch))), "POST " + path);
        return true;
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
        try {
            long id = parse(send(jsonPost("/~api/projects", body), "POST /~api/projects")).longValue();
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

    private HttpRequest.Builder jsonPost(String path, ObjectNode body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private static String join(List<String> segments) {
        return String.join("/", segments);
    }

    private static String leaf(List<String> segments) {
        return segments.get(segments.size() - 1);
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
