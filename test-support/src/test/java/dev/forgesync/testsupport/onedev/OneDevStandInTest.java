package dev.forgesync.testsupport.onedev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in answers as onedev-api.md says OneDev 16.5 does. */
class OneDevStandInTest {

    private static final String TOKEN = "standin-token-123456";
    private final HttpClient http = HttpClient.newHttpClient();
    private OneDevStandIn onedev;

    @BeforeEach
    void start(@TempDir Path root) {
        onedev = OneDevStandIn.start(root, TOKEN);
    }

    @AfterEach
    void stop() {
        onedev.close();
    }

    @Test
    void createsAProjectWith200AndABareIdAndRefusesADuplicateNameWith500() throws Exception {
        HttpResponse<String> created = post("{\"name\":\"github\",\"gitPackConfig\":{},\"codeAnalysisSetting\":{}}", basic("any", TOKEN));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).isEqualTo("1");

        HttpResponse<String> duplicate = post("{\"name\":\"GitHub\",\"gitPackConfig\":{},\"codeAnalysisSetting\":{}}", basic(TOKEN, ""));
        assertThat(duplicate.statusCode()).isEqualTo(500);
        assertThat(duplicate.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(duplicate.body()).isEqualTo("Name 'GitHub' is already used by another root project");
    }

    @Test
    void refusesBodiesOneDevRefuses() throws Exception {
        assertThat(post("{\"name\":\"x\"}", basic("u", TOKEN)).statusCode()).isEqualTo(400);
        assertThat(post("{\"name\":\"x\",\"gitPackConfig\":{},\"codeAnalysisSetting\":{},\"defaultRoleId\":1}", basic("u", TOKEN)).body())
                .startsWith("Unrecognized field \"defaultRoleId\"");
        assertThat(post("{\"name\":\"x\",\"parentId\":99,\"gitPackConfig\":{},\"codeAnalysisSetting\":{}}", basic("u", TOKEN)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void listingNeedsOffsetAndCountAndFindsByPathIgnoringCase() throws Exception {
        OneDevStandIn.Project github = onedev.createProject("github", null);
        onedev.createProject("Octo", github.id());
        assertThat(get("/~api/projects?query=x", basic("u", TOKEN)).statusCode()).isEqualTo(406);
        assertThat(get("/~api/projects?offset=0&count=101", basic("u", TOKEN)).statusCode()).isEqualTo(406);
        assertThat(get("/~api/projects?offset=0&count=1&foo=1", basic("u", TOKEN)).statusCode()).isEqualTo(406);
        String query = "%22Path%22%20is%20%22github/octo%22";
        HttpResponse<String> found = get("/~api/projects?query=" + query + "&offset=0&count=10", basic("u", TOKEN));
        assertThat(found.body()).contains("\"path\":\"github/Octo\"");
        assertThat(get("/~api/projects/ids/github/octo", basic("u", TOKEN)).body()).isEqualTo("2");
        HttpResponse<String> missing = get("/~api/projects/ids/github/none", basic("u", TOKEN));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("Project not found or inaccessible: github/none");
    }

    @Test
    void updateReplacesTheWholeProjectKeepsItsIdAndMovesItsDescendants() throws Exception {
        OneDevStandIn.Project github = onedev.createProject("github", null);
        OneDevStandIn.Project octo = onedev.createProject("octo", github.id());
        OneDevStandIn.Project other = onedev.createProject("other", github.id());
        OneDevStandIn.Project repo = onedev.createProject("repo", octo.id());
        String body = get("/~api/projects/" + octo.id(), basic("u", TOKEN)).body()
                .replace("\"name\":\"octo\"", "\"name\":\"renamed\"")
                .replace("\"parentId\":" + github.id(), "\"parentId\":" + other.id());

        HttpResponse<String> updated = post("/~api/projects/" + octo.id(), body, basic("u", TOKEN));

        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(updated.body()).isEmpty();
        assertThat(onedev.projectByPath("github/other/renamed")).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(octo.id()));
        assertThat(onedev.projectByPath("github/other/renamed/repo")).hasValueSatisfying(p -> assertThat(p.id()).isEqualTo(repo.id()));
        assertThat(onedev.projects()).hasSize(4);

        String noParent = "{\"name\":\"renamed\",\"gitPackConfig\":{},\"codeAnalysisSetting\":{}}";
        assertThat(post("/~api/projects/" + octo.id(), noParent, basic("u", TOKEN)).statusCode()).isEqualTo(200);
        assertThat(onedev.projectByPath("renamed")).hasValueSatisfying(p -> {
            assertThat(p.parentId()).isNull();
            assertThat(p.description()).isNull();
        });
    }

    @Test
    void updateRefusesWhatOneDevRefuses() throws Exception {
        OneDevStandIn.Project github = onedev.createProject("github", null);
        OneDevStandIn.Project a = onedev.createProject("a", github.id());
        onedev.createProject("b", github.id());
        OneDevStandIn.Project child = onedev.createProject("child", a.id());
        String url = "/~api/projects/" + a.id();

        HttpResponse<String> duplicate = post(url, projectData("B", github.id()), basic("u", TOKEN));
        assertThat(duplicate.statusCode()).isEqualTo(500);
        assertThat(duplicate.body()).isEqualTo("Name 'B' is already used by another project under 'github'");
        assertThat(post(url, projectData("a", child.id()), basic("u", TOKEN)).body())
                .isEqualTo("Cannot use current or descendant project as parent");
        assertThat(post(url, "{\"name\":\"a\",\"parentId\":" + github.id() + "}", basic("u", TOKEN)).statusCode()).isEqualTo(400);
        assertThat(post("/~api/projects/99", projectData("a", null), basic("u", TOKEN)).statusCode()).isEqualTo(404);
        assertThat(post(url, projectData("A", github.id()), basic("u", TOKEN)).statusCode()).isEqualTo(200);
        assertThat(onedev.projectByPath("github/A/child")).isPresent();
    }

    @Test
    void aProjectOpenedToEveryoneOpensEverythingBelowItIncludingWhatMovesThere() throws Exception {
        OneDevStandIn.Project open = onedev.createProject("open", null);
        OneDevStandIn.Project closed = onedev.createProject("closed", null);
        OneDevStandIn.Project repo = onedev.createProject("repo", closed.id());
        onedev.openToEveryone(open.id());
        assertThat(onedev.readableByEveryone(repo.id())).isFalse();

        assertThat(post("/~api/projects/" + repo.id(), projectData("repo", open.id()), basic("u", TOKEN)).statusCode())
                .isEqualTo(200);

        assertThat(onedev.readableByEveryone(repo.id())).isTrue();
        assertThat(onedev.readableByEveryone(closed.id())).isFalse();
    }

    @Test
    void tellsAnonymousFromBadCredentials() throws Exception {
        HttpResponse<String> anonymous = post("{\"name\":\"x\",\"gitPackConfig\":{},\"codeAnalysisSetting\":{}}", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).isEqualTo("Not authenticated");
        HttpResponse<String> bad = get("/~api/projects?offset=0&count=1", basic("u", "wrong-token"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).isEqualTo("Invalid account or incorrect credentials");
    }

    @Test
    void servesGitForExistingProjectsOnlyAndOnlyWithTheToken(@TempDir Path work) throws Exception {
        OneDevStandIn.Project github = onedev.createProject("github", null);
        onedev.createProject("repo", github.id());
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.commit().setMessage("first").setAllowEmpty(true).setSign(false).call();
            git.push().setRemote(onedev.baseUri() + "/GitHub/repo.git").add("main")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();
            assertThat(onedev.repositoryDirectory(2).resolve("refs/heads/main")).exists();

            assertThatThrownBy(() -> git.push().setRemote(onedev.baseUri() + "/github/repo").add("main").call())
                    .isInstanceOf(TransportException.class).hasMessageContaining("Authentication is required");
            assertThatThrownBy(() -> git.push().setRemote(onedev.baseUri() + "/github/missing.git").add("main")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call())
                    .hasMessageContaining("not found");
        }
    }

    /** onedev-api.md §6: GET answers 204 or the branch as a JSON string, POST takes a JSON string, 200 empty. */
    @Test
    void theDefaultBranchEndpointReadsAndSetsHeadWithJsonStrings(@TempDir Path work) throws Exception {
        OneDevStandIn.Project project = onedev.createProject("repo", null);
        String path = "/~api/repositories/" + project.id() + "/default-branch";
        assertThat(get(path, basic("u", TOKEN)).statusCode()).isEqualTo(204);
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.commit().setMessage("first").setAllowEmpty(true).setSign(false).call();
            git.branchCreate().setName("develop").call();
            git.push().setRemote(onedev.baseUri() + "/repo.git").add("develop").add("main")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();
        }
        assertThat(get(path, basic("u", TOKEN)).body()).isEqualTo("\"main\"");

        HttpResponse<String> set = post(path, "\"develop\"", basic("u", TOKEN));

        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).isEmpty();
        assertThat(get(path, basic("u", TOKEN)).body()).isEqualTo("\"develop\"");
        assertThat(onedev.defaultBranch(project.id())).contains("develop");
        assertThat(post(path, "\"develop\"", null).statusCode()).isEqualTo(401);
    }

    /**
     * OneDev's post-receive callback handles one push's ref updates from the last to the first and makes the first
     * branch it handles HEAD while the repository has none (GitPostReceiveCallback): the push's last branch; a later
     * push leaves HEAD alone.
     */
    @Test
    void aRepositoryWithoutHeadTakesThePushsLastBranchAndKeepsItAfterwards(@TempDir Path work) throws Exception {
        OneDevStandIn.Project project = onedev.createProject("repo", null);
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.commit().setMessage("first").setAllowEmpty(true).setSign(false).call();
            git.branchCreate().setName("develop").call();
            git.branchCreate().setName("feature").call();
            git.tag().setName("v1").setAnnotated(false).call();
            git.push().setRemote(onedev.baseUri() + "/repo.git").add("feature").add("main").add("v1")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();
            assertThat(onedev.defaultBranch(project.id())).as("the last branch, tags aside").contains("main");

            git.push().setRemote(onedev.baseUri() + "/repo.git").add("develop")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();
        }
        assertThat(onedev.defaultBranch(project.id())).contains("main");
    }

    /**
     * OneDev's {@code GitUtils.setDefaultBranch} throws {@code ExplicitException("Branch not exist: <branch>")} for a
     * branch the repository lacks, answered as 500 with that text; HEAD stays where it was.
     */
    @Test
    void settingADefaultBranchTheRepositoryLacksAnswers500BranchNotExistAndKeepsHead(@TempDir Path work)
            throws Exception {
        OneDevStandIn.Project project = onedev.createProject("repo", null);
        String path = "/~api/repositories/" + project.id() + "/default-branch";
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.commit().setMessage("first").setAllowEmpty(true).setSign(false).call();
            git.push().setRemote(onedev.baseUri() + "/repo.git").add("main")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();
        }

        HttpResponse<String> refused = post(path, "\"nowhere\"", basic("u", TOKEN));

        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(refused.body()).isEqualTo("Branch not exist: nowhere");
        assertThat(get(path, basic("u", TOKEN)).body()).isEqualTo("\"main\"");
    }

    /** onedev-api.md §7.2: the description changes through a full-body POST; the project keeps its id and path. */
    @Test
    void updateChangesTheDescription() throws Exception {
        OneDevStandIn.Project project = onedev.createProject("repo", null);
        String body = get("/~api/projects/" + project.id(), basic("u", TOKEN)).body()
                .replace("\"description\":null", "\"description\":\"Mirror of https://github.com/o/r\"");

        assertThat(post("/~api/projects/" + project.id(), body, basic("u", TOKEN)).statusCode()).isEqualTo(200);

        assertThat(onedev.projectByPath("repo")).hasValueSatisfying(p -> {
            assertThat(p.id()).isEqualTo(project.id());
            assertThat(p.description()).isEqualTo("Mirror of https://github.com/o/r");
        });
    }

    /**
     * onedev-api.md §6: protection rules run in a git pre-receive hook, so one refused ref makes git refuse the whole
     * push, with {@code ERROR PUSHING REF: <ref>} and the rule's message as {@code remote:} lines; rules of a parent
     * apply to its children.
     */
    @Test
    void aProtectionRuleRefusesTheWholePushNamingTheRefAndTheReason(@TempDir Path work) throws Exception {
        OneDevStandIn.Project github = onedev.createProject("github", null);
        OneDevStandIn.Project repo = onedev.createProject("repo", github.id());
        onedev.protect(github.id(), "refs/heads/locked"::equals, "Cannot push to this branch according to branch protection setting");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.commit().setMessage("first").setAllowEmpty(true).setSign(false).call();
            git.branchCreate().setName("locked").call();

            Iterable<org.eclipse.jgit.transport.PushResult> results = git.push()
                    .setRemote(onedev.baseUri() + "/github/repo.git").add("main").add("locked")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();

            org.eclipse.jgit.transport.PushResult result = results.iterator().next();
            assertThat(result.getRemoteUpdates()).allSatisfy(u -> {
                assertThat(u.getStatus()).isEqualTo(org.eclipse.jgit.transport.RemoteRefUpdate.Status.REJECTED_OTHER_REASON);
                assertThat(u.getMessage()).isEqualTo("pre-receive hook declined");
            });
            assertThat(result.getMessages()).contains("ERROR PUSHING REF: refs/heads/locked",
                    "Cannot push to this branch according to branch protection setting");
            assertThat(onedev.repositoryDirectory(repo.id()).resolve("refs/heads/main")).doesNotExist();

            git.push().setRemote(onedev.baseUri() + "/github/repo.git").add("main")
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("anyone", TOKEN)).call();
            assertThat(onedev.repositoryDirectory(repo.id()).resolve("refs/heads/main")).exists();
        }
    }

    private HttpResponse<String> post(String json, String auth) throws Exception {
        return post("/~api/projects", json, auth);
    }

    private HttpResponse<String> post(String path, String json, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(onedev.baseUri() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(onedev.baseUri() + path)).GET();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String projectData(String name, Long parentId) {
        return "{\"name\":\"" + name + "\"" + (parentId == null ? "" : ",\"parentId\":" + parentId)
                + ",\"gitPackConfig\":{},\"codeAnalysisSetting\":{}}";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
