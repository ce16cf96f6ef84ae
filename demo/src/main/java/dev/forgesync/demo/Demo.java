package dev.forgesync.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.Webhooks;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The offline demo: a sample repository served on loopback as the "GitHub" source, a signed {@code watch} webhook
 * sent to the running ingest-service, the sync followed in {@code repositories} and {@code sync_logs}; then a new
 * commit, a {@code push} webhook and the incremental sync. Run by {@code ./forgesync demo}, which first points the
 * sync-worker's {@code FORGESYNC_GITHUB_BASE_URL} at this server.
 */
public final class Demo {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration SYNC_WAIT = Duration.ofSeconds(180);

    private final DemoSettings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Demo(DemoSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings = DemoSettings.fromEnvironment();
        settings.requireSecret();
        try (GitHttpServer github = GitHttpServer.builder(settings.githubRoot()).port(settings.githubPort()).start()) {
            new Demo(settings).run(github);
        }
    }

    private void run(GitHttpServer github) throws Exception {
        Path work = prepareSampleRepository(github);
        say("the \"GitHub\" source: %s (served on loopback by this demo)", github.cloneUri(settings.fullName()));

        String watch = sendWebhook("watch", "watch.started.json");
        long repositoryId = awaitRepositoryId(watch);
        Instant firstSync = followSync(repositoryId, Instant.EPOCH);

        RevCommit commit = commitAndPush(work, github, "docs: a second line", "CHANGES.md", "the demo's second commit\n");
        say("pushed commit %s to main on the source", commit.abbreviate(7).name());
        sendWebhook("push", "push.payload.json");
        Instant secondSync = followSync(repositoryId, firstSync);

        RevCommit rewritten = amendAndForcePush(work, github);
        say("force-pushed main on the source: %s replaces %s, which is no longer in the source's history",
                rewritten.abbreviate(7).name(), commit.abbreviate(7).name());
        sendWebhook("push", "push.payload.json");
        followSync(repositoryId, secondSync);

        printWhereTheMirrorIs(repositoryId, github);
    }

    private Path prepareSampleRepository(GitHttpServer github) throws Exception {
        Path bare = github.root().resolve(settings.fullName() + ".git");
        Path work = settings.workDir().resolve("hello-forgesync");
        if (Files.isDirectory(bare.resolve("objects")) && Files.isDirectory(work.resolve(".git"))) {
            say("reusing the sample repository from an earlier run (%s)", bare);
            return work;
        }
        github.createBareRepository(settings.fullName());
        Files.createDirectories(work);
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            commit(git, work, "README.md", "# hello-forgesync\n\nA sample repository for the forgesync demo.\n", "initial commit");
            commit(git, work, "src/hello.txt", "hello\n", "add hello");
            git.tag().setName("v1.0").setMessage("first release").setAnnotated(true).call();
            git.branchCreate().setName("feature/greeting").call();
            git.push().setRemote(github.cloneUri(settings.fullName()).toString())
                    .add("main").add("feature/greeting").setPushTags().call();
        }
        say("created the sample repository %s: 2 commits on main, branch feature/greeting, tag v1.0", settings.fullName());
        return work;
    }

    private RevCommit commitAndPush(Path work, GitHttpServer github, String message, String file, String content) throws Exception {
        try (Git git = Git.open(work.toFile())) {
            RevCommit commit = commit(git, work, file, content + Instant.now() + "\n", message);
            git.push().setRemote(github.cloneUri(settings.fullName()).toString()).add("main").call();
            return commit;
        }
    }

    /** Rewrites the tip of main and force-pushes it, as {@code git commit --amend && git push --force} would. */
    private RevCommit amendAndForcePush(Path work, GitHttpServer github) throws Exception {
        try (Git git = Git.open(work.toFile())) {
            Files.writeString(work.resolve("CHANGES.md"), "the demo's second commit, rewritten " + Instant.now() + "\n");
            git.add().addFilepattern("CHANGES.md").call();
            RevCommit commit = git.commit().setAmend(true).setMessage("docs: a second line (rewritten)")
                    .setAuthor("forgesync demo", "demo@forgesync.invalid")
                    .setCommitter("forgesync demo", "demo@forgesync.invalid").call();
            git.push().setRemote(github.cloneUri(settings.fullName()).toString()).add("+main:main").call();
            return commit;
        }
    }

    private static RevCommit commit(Git git, Path work, String file, String content, String message) throws Exception {
        Path path = work.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        git.add().addFilepattern(file).call();
        return git.commit().setMessage(message)
                .setAuthor("forgesync demo", "demo@forgesync.invalid")
                .setCommitter("forgesync demo", "demo@forgesync.invalid").call();
    }

    /** Sends a payload file rewritten for the demo repository, signed with the webhook secret; returns the delivery id. */
    private String sendWebhook(String event, String payloadFile) throws IOException, InterruptedException {
        byte[] body = Webhooks.withRepository(Webhooks.payload(payloadFile), settings.fullName(), settings.githubRepoId());
        ObjectNode root = (ObjectNode) JSON.readTree(body);
        ((ObjectNode) root.get("repository")).put("default_branch", "main");
        body = JSON.writeValueAsBytes(root);
        String delivery = java.util.UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(settings.ingestUrl())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", Webhooks.sign(settings.requireSecret(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        say("sent a signed '%s' webhook (delivery %s) to %s: HTTP %d %s", event, delivery, settings.ingestUrl(),
                response.statusCode(), response.body());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("the ingest-service refused the webhook; is the secret the one it runs with?");
        }
        return delivery;
    }

    private long awaitRepositoryId(String delivery) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT r.id FROM repositories r WHERE r.github_full_name = ?")) {
                ps.setString(1, settings.fullName());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        say("webhook %s stored; repository %s registered as id %d", delivery, settings.fullName(), rs.getLong(1));
                        return rs.getLong(1);
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no repositories row for " + settings.fullName() + " after 30 s");
    }

    /** Prints status changes and sync_logs lines as they appear until a sync that started after {@code after} ends. */
    private Instant followSync(long repositoryId, Instant after) throws Exception {
        Instant deadline = Instant.now().plus(SYNC_WAIT);
        long lastLogId = lastLogId(repositoryId);
        String lastStatus = "";
        while (Instant.now().isBefore(deadline)) {
            String status = status(repositoryId);
            if (!status.equals(lastStatus)) {
                say("repository status: %s", status);
                lastStatus = status;
            }
            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("""
                    SELECT id, event_type, status, duration_seconds, bytes_transferred, error_message, created_at
                    FROM sync_logs WHERE repository_id = ? AND id > ? ORDER BY id""")) {
                ps.setLong(1, repositoryId);
                ps.setLong(2, lastLogId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lastLogId = rs.getLong("id");
                        say("  sync_logs: %-20s %-11s%s%s%s", rs.getString("event_type"), rs.getString("status"),
                                rs.getObject("duration_seconds") == null ? "" : String.format(" %.3f s", rs.getDouble("duration_seconds")),
                                rs.getObject("bytes_transferred") == null ? "" : " " + rs.getLong("bytes_transferred") + " bytes",
                                rs.getString("error_message") == null ? "" : " error: " + rs.getString("error_message"));
                        String type = rs.getString("event_type");
                        Instant at = rs.getTimestamp("created_at").toInstant();
                        if (at.isAfter(after) && (type.equals("sync_completed") || type.equals("sync_failed"))) {
                            if (type.equals("sync_failed") && status(repositoryId).equals("permanent_failure")) {
                                throw new IllegalStateException("the sync failed for good; see the sync_logs lines above");
                            }
                            if (type.equals("sync_completed")) {
                                return at;
                            }
                        }
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no completed sync within " + SYNC_WAIT.toSeconds() + " s; is the sync-worker running?");
    }

    private void printWhereTheMirrorIs(long repositoryId, GitHttpServer github) throws Exception {
        String url;
        java.time.Instant lastSynced;
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT onedev_url, last_synced_at FROM repositories WHERE id = ?")) {
            ps.setLong(1, repositoryId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                url = rs.getString("onedev_url");
                lastSynced = rs.getTimestamp("last_synced_at").toInstant();
            }
        }
        url = settings.mirrorLocation(url, settings.fullName());
        java.util.Map<String, String> source = refs(github.cloneUri(settings.fullName()).toString());
        java.util.Map<String, String> mirror = refs(url);
        java.util.Map<String, String> archived = new java.util.TreeMap<>(mirror);
        archived.keySet().removeIf(ref -> !ref.contains("/forgesync/archive/"));
        mirror.keySet().removeAll(archived.keySet());
        say("done: %s mirrored at %s (last synced %s)", settings.fullName(), url, lastSynced);
        archived.forEach((ref, id) -> say("kept by vault mode: %s -> %s (a tip upstream's force-push dropped)", ref,
                id.substring(0, 7)));
        say("refs: %d in the source, %d in the mirror, %s", source.size(), mirror.size(),
                source.equals(mirror) ? "all equal" : "DIFFERENT: source " + source + " mirror " + mirror);
        say("look at the mirror:  git --git-dir %s log --oneline --all   (or git clone %s)", url, url);
        say("the audit trail:     psql -h 127.0.0.1 -U forgesync forgesync -c \"SELECT event_type, status, bytes_transferred, created_at FROM sync_logs WHERE repository_id = %d ORDER BY id\"",
                repositoryId);
    }

    /** The branches and tags of a repository (a URL or a local path) with their object ids. */
    static java.util.Map<String, String> refs(String remote) throws Exception {
        java.util.Map<String, String> refs = new java.util.TreeMap<>();
        for (org.eclipse.jgit.lib.Ref ref : Git.lsRemoteRepository().setRemote(remote).setHeads(true).setTags(true).call()) {
            refs.put(ref.getName(), ref.getObjectId().name());
        }
        return refs;
    }

    private String status(long repositoryId) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT sync_status FROM repositories WHERE id = ?")) {
            ps.setLong(1, repositoryId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "missing";
            }
        }
    }

    private long lastLogId(long repositoryId) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(id), 0) FROM sync_logs WHERE repository_id = ?")) {
            ps.setLong(1, repositoryId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Connection connect() throws SQLException {
        return settings.connect();
    }

    static void say(String format, Object... args) {
        System.out.println("[demo] " + String.format(format, args));
    }
}
