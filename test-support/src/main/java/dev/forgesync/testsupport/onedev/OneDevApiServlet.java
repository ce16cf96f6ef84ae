package dev.forgesync.testsupport.onedev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OneDev's project REST resource at {@code /~api/*} (onedev-api.md §0-§3, §7): plain-text errors, 200 with a bare
 * id on create, 200 with an empty body on update (the body replaces the whole project), 500 on a duplicate name,
 * 406 for a missing {@code offset}/{@code count} or an unknown parameter.
 */
final class OneDevApiServlet extends HttpServlet {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> LIST_PARAMS = Set.of("query", "offset", "count");
    private static final Set<String> PROJECT_FIELDS = Set.of("id", "parentId", "forkedFromId", "name", "key", "path",
            "description", "createDate", "codeManagement", "packManagement", "issueManagement", "timeTracking",
            "serviceDeskEmailAddress", "gitPackConfig", "codeAnalysisSetting");
    private static final Pattern QUERY = Pattern.compile("\"(Path|Name)\" is \"([^\"]*)\"");
    private static final Pattern NAME = Pattern.compile("\\w[\\w.-]*");
    private static final Pattern ID = Pattern.compile("/projects/(\\d+)");
    private static final Pattern DEFAULT_BRANCH = Pattern.compile("/repositories/(\\d+)/default-branch");
    private static final Pattern CLONE_URL = Pattern.compile("/projects/(\\d+)/clone-url");

    private final OneDevStandIn onedev;
    private volatile int failStatus;

    OneDevApiServlet(OneDevStandIn onedev) {
        this.onedev = onedev;
    }

    void failWith(int status) {
        this.failStatus = status;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (failStatus != 0) {
            text(res, failStatus, "Simulated failure " + failStatus);
            return;
        }
        String auth = authenticate(req);
        if ("invalid".equals(auth)) {
            text(res, 401, "Invalid account or incorrect credentials");
            return;
        }
        if (auth == null) {
            // Anonymous access is off by default, so every anonymous call is refused (POST/DELETE/PUT always are).
            text(res, 401, "Not authenticated");
            return;
        }
        route(req, res, req.getPathInfo() == null ? "" : req.getPathInfo());
    }

    private void route(HttpServletRequest req, HttpServletResponse res, String path) throws IOException {
        String method = req.getMethod();
        Matcher id = ID.matcher(path);
        Matcher cloneUrl = CLONE_URL.matcher(path);
        Matcher defaultBranch = DEFAULT_BRANCH.matcher(path);
        if (defaultBranch.matches() && ("GET".equals(method) || "POST".equals(method))) {
            withProject(res, defaultBranch.group(1), p -> defaultBranch(req, res, p));
        } else if ("GET".equals(method) && path.equals("/projects")) {
            list(req, res);
        } else if ("GET".equals(method) && path.startsWith("/projects/ids/")) {
            idByPath(res, path.substring("/projects/ids/".length()));
        } else if ("GET".equals(method) && cloneUrl.matches()) {
            withProject(res, cloneUrl.group(1), p -> cloneUrl(res, p));
        } else if ("GET".equals(method) && id.matches()) {
            withProject(res, id.group(1), p -> json(res, toJson(p)));
        } else if ("POST".equals(method) && path.equals("/projects")) {
            create(req, res);
        } else if ("POST".equals(method) && id.matches()) {
            withProject(res, id.group(1), p -> update(req, res, p));
        } else if ("DELETE".equals(method) && id.matches()) {
            withProject(res, id.group(1), p -> {
                onedev.delete(p.id());
                res.setStatus(200);
            });
        } else {
            text(res, 404, "Not found");
        }
    }

    private void list(HttpServletRequest req, HttpServletResponse res) throws IOException {
        for (String name : req.getParameterMap().keySet()) {
            if (!LIST_PARAMS.contains(name)) {
                text(res, 406, "Unexpected query parameter: " + name);
                return;
            }
        }
        Integer offset = integer(req.getParameter("offset"));
        Integer count = integer(req.getParameter("count"));
        if (offset == null || count == null) {
            text(res, 406, "Parameters 'offset' and 'count' are required");
            return;
        }
        if (count > 100) {
            text(res, 406, "Count should not be greater than 100");
            return;
        }
        String query = req.getParameter("query");
        List<OneDevStandIn.Project> all = onedev.all();
        if (query != null && !query.isBlank()) {
            Matcher m = QUERY.matcher(query.trim());
            if (!m.matches()) {
                text(res, 406, "Invalid query");
                return;
            }
            boolean byPath = m.group(1).equals("Path");
            String value = m.group(2);
            all = all.stream().filter(p -> (byPath ? p.path() : p.name()).equalsIgnoreCase(value)).toList();
        }
        ArrayNode out = JSON.createArrayNode();
        all.stream().skip(offset).limit(count).forEach(p -> out.add(toJson(p)));
        json(res, out);
    }

    private void idByPath(HttpServletResponse res, String path) throws IOException {
        Optional<OneDevStandIn.Project> project = onedev.projectByPath(path);
        if (project.isEmpty()) {
            text(res, 404, "Project not found or inaccessible: " + path);
        } else {
            json(res, JSON.getNodeFactory().numberNode(project.get().id()));
        }
    }

    private void create(HttpServletRequest req, HttpServletResponse res) throws IOException {
        JsonNode body = projectData(req, res, "createProject.arg0");
        if (body == null) {
            return;
        }
        try {
            OneDevStandIn.Project p = onedev.create(name(body), parentId(body), text(body, "description"),
                    bool(body, "codeManagement"), bool(body, "issueManagement"));
            json(res, JSON.getNodeFactory().numberNode(p.id()));
        } catch (IllegalStateException duplicate) {
            text(res, 500, duplicate.getMessage());
        }
    }

    /**
     * {@code POST /~api/projects/{id}}: the body is the whole project and replaces every field (onedev-api.md §7.2),
     * so an omitted {@code parentId} moves the project to the root; 200 with an empty body; the same refusals as
     * create, and 500 for a duplicate name or a parent that is the project itself or below it.
     */
    private void update(HttpServletRequest req, HttpServletResponse res, OneDevStandIn.Project project)
            throws IOException {
        JsonNode body = projectData(req, res, "updateProject.arg1");
        if (body == null) {
            return;
        }
        try {
            onedev.update(project.id(), name(body), parentId(body), text(body, "description"),
                    bool(body, "codeManagement"), bool(body, "issueManagement"));
            res.setStatus(200);
        } catch (IllegalStateException refused) {
            text(res, 500, refused.getMessage());
        }
    }

    /**
     * {@code GET /~api/repositories/{projectId}/default-branch}: 200 with the branch as a JSON string, or 204 when
     * there is none; {@code POST} with a JSON string body sets it, 200 with an empty body (onedev-api.md §6).
     *
     * <p>A branch the repository lacks is refused as OneDev refuses it: {@code RepositoryResource#setDefaultBranch}
     * calls {@code Project#setDefaultBranch}, which reaches {@code GitUtils.setDefaultBranch}; that throws
     * {@code new ExplicitException("Branch not exist: " + defaultBranch)} when {@code findRef} finds no
     * {@code refs/heads/<branch>}, and {@code ExplicitExceptionHandler} answers it with 500 and the message as the
     * text body ({@code JerseyExceptionMapper}); HEAD is left where it was (theonedev/onedev
     * server-core/src/main/java/io/onedev/server/git/GitUtils.java at 0b9b07c04cd7a666dd12a9668b0ca1756473ac24,
     * server-core/.../exception/handler/ExplicitExceptionHandler.java).
     */
    private void defaultBranch(HttpServletRequest req, HttpServletResponse res, OneDevStandIn.Project p)
            throws IOException {
        if ("GET".equals(req.getMethod())) {
            Optional<String> branch = onedev.defaultBranch(p.id());
            if (branch.isEmpty()) {
                res.setStatus(204);
            } else {
                json(res, JSON.getNodeFactory().stringNode(branch.get()));
            }
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(req.getInputStream());
        } catch (JacksonException e) {
            text(res, 400, "Unable to parse JSON: " + e.getOriginalMessage());
            return;
        }
        if (body == null || !body.isString() || body.asString().isBlank()) {
            text(res, 400, "Cannot deserialize value of type `java.lang.String`");
            return;
        }
        if (!onedev.hasBranch(p.id(), body.asString())) {
            text(res, 500, "Branch not exist: " + body.asString());
            return;
        }
        onedev.setDefaultBranch(p.id(), body.asString());
        res.setStatus(200);
    }

    /** The {@code ProjectData} body, or null once the refusal OneDev would give has been written. */
    private JsonNode projectData(HttpServletRequest req, HttpServletResponse res, String parameter) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            text(res, 415, "HTTP 415 Unsupported Media Type");
            return null;
        }
        JsonNode body;
        try {
            body = JSON.readTree(req.getInputStream());
        } catch (JacksonException e) {
            text(res, 400, "Unable to parse JSON: " + e.getOriginalMessage());
            return null;
        }
        if (body == null || !body.isObject()) {
            text(res, 400, "Cannot deserialize value of type ProjectData");
            return null;
        }
        String refusal = refusal(body, parameter);
        if (refusal != null) {
            text(res, refusal.startsWith("No row") ? 404 : 400, refusal);
            return null;
        }
        return body;
    }

    private String refusal(JsonNode body, String parameter) {
        for (String field : body.propertyNames()) {
            if (!PROJECT_FIELDS.contains(field)) {
                return "Unrecognized field \"" + field
                        + "\" (class io.onedev.server.rest.resource.ProjectResource$ProjectData), not marked as ignorable";
            }
        }
        String violations = violations(body, parameter);
        if (!violations.isEmpty()) {
            return violations;
        }
        if (!NAME.matcher(name(body)).matches()) {
            return "Should start with alphanumeric or underscore, and contains only alphanumeric, "
                    + "underscore, dash, or dot";
        }
        Long parentId = parentId(body);
        if (parentId != null && onedev.find(parentId).isEmpty()) {
            return "No row with the given identifier exists: [io.onedev.server.model.Project#" + parentId + "]";
        }
        return null;
    }

    private static String name(JsonNode body) {
        return body.get("name").asString().trim();
    }

    private static Long parentId(JsonNode body) {
        return body.hasNonNull("parentId") ? body.get("parentId").longValue() : null;
    }

    private static String violations(JsonNode body, String parameter) {
        StringBuilder out = new StringBuilder();
        if (!body.hasNonNull("name") || body.get("name").asString().isBlank()) {
            out.append(parameter).append(".name: must not be empty");
        }
        for (String required : List.of("gitPackConfig", "codeAnalysisSetting")) {
            if (!body.hasNonNull(required)) {
                out.append(out.isEmpty() ? "" : ", ").append(parameter).append('.').append(required)
                        .append(": must not be null");
            }
        }
        return out.toString();
    }

    private void cloneUrl(HttpServletResponse res, OneDevStandIn.Project p) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("http", onedev.baseUri() + "/" + p.path() + ".git");
        out.put("ssh", "ssh://127.0.0.1:6611/" + p.path() + ".git");
        json(res, out);
    }

    private interface ProjectAction {
        void apply(OneDevStandIn.Project p) throws IOException;
    }

    private void withProject(HttpServletResponse res, String id, ProjectAction action) throws IOException {
        Optional<OneDevStandIn.Project> project = onedev.find(Long.parseLong(id));
        if (project.isEmpty()) {
            text(res, 404, "No row with the given identifier exists: [io.onedev.server.model.Project#" + id + "]");
        } else {
            action.apply(project.get());
        }
    }

    private static ObjectNode toJson(OneDevStandIn.Project p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", p.id());
        if (p.parentId() == null) {
            n.putNull("parentId");
        } else {
            n.put("parentId", p.parentId());
        }
        n.putNull("forkedFromId");
        n.put("name", p.name());
        n.putNull("key");
        n.put("path", p.path());
        n.put("description", p.description());
        n.put("createDate", p.createDate().toString());
        n.put("codeManagement", p.codeManagement());
        n.put("packManagement", true);
        n.put("issueManagement", p.issueManagement());
        n.put("timeTracking", false);
        n.putNull("serviceDeskEmailAddress");
        ObjectNode pack = n.putObject("gitPackConfig");
        pack.putNull("windowMemory");
        pack.putNull("packSizeLimit");
        pack.putNull("threads");
        pack.putNull("window");
        n.putObject("codeAnalysisSetting").putNull("analysisFiles");
        return n;
    }

    /** The token's user ("token"), "invalid" for bad credentials, or null for an anonymous caller. */
    private String authenticate(HttpServletRequest req) {
        String header = req.getHeader("OneDevAuthorization");
        if (header == null) {
            header = req.getHeader("Authorization");
        }
        if (header == null) {
            return null;
        }
        if (header.startsWith("Bearer ") || header.startsWith("token ")) {
            return onedev.acceptsToken(header.substring(header.indexOf(' ') + 1).trim()) ? "token" : "invalid";
        }
        if (!header.toLowerCase(Locale.ROOT).startsWith("basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
        int colon = decoded.indexOf(':');
        String user = (colon < 0 ? decoded : decoded.substring(0, colon)).trim();
        String password = colon < 0 ? "" : decoded.substring(colon + 1).trim();
        if (onedev.acceptsToken(user) || onedev.acceptsToken(password)) {
            return "token";
        }
        if (!user.isEmpty() && !password.isEmpty()) {
            return "invalid";
        }
        return null;
    }

    private static Integer integer(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String text(JsonNode body, String field) {
        return body.hasNonNull(field) ? body.get(field).asString() : null;
    }

    private static boolean bool(JsonNode body, String field) {
        return !body.hasNonNull(field) || body.get(field).asBoolean();
    }

    private static void text(HttpServletResponse res, int status, String body) throws IOException {
        res.setStatus(status);
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().write(body);
    }

    private static void json(HttpServletResponse res, JsonNode body) throws IOException {
        res.setStatus(200);
        res.setContentType("application/json;charset=UTF-8");
        res.getWriter().write(JSON.writeValueAsString(body));
    }
}
