package dev.forgesync.demo;

import static dev.forgesync.demo.Demo.say;
import static dev.forgesync.demo.DemoSettings.env;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import dev.forgesync.testsupport.github.GithubApiServlet;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * The sources scene of the offline demo ({@code ./forgesync demo sources}): a GitHub stand-in (REST API and git, on
 * loopback) with an organisation of repositories, and not a single webhook. {@code ./forgesync} restarts
 * control-service with {@code FORGESYNC_SOURCES=org:<organisation>} and {@code FORGESYNC_GITHUB_API_URL} pointing
 * here (and the workers' {@code FORGESYNC_GITHUB_BASE_URL}) once {@code FORGESYNC_DEMO_READY_FILE} exists; this prints
 * each repository as discovery registers it and as its mirror's refs become the source's, then what it cost.
 */
public final class SourcesDemo {

    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final String ROWS = """
            SELECT r.github_full_name, r.sync_status, r.onedev_url,
                   (SELECT string_agg(DISTINCT e.event_type, ',') FROM webhook_events e WHERE e.repository_id = r.id) AS triggers
            FROM repositories r WHERE r.github_full_name LIKE ? ORDER BY r.id""";

    private final DemoSettings settings;
    private final String org;
    private final int count;

    private SourcesDemo(DemoSettings settings, String org, int count) {
        this.settings = settings;
        this.org = org;
        this.count = count;
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings = DemoSettings.fromEnvironment();
        String org = env("FORGESYNC_DEMO_ORG", "demo-org");
        int count = Integer.parseInt(env("FORGESYNC_DEMO_ORG_REPOSITORIES", "12"));
        Path ready = Path.of(env("FORGESYNC_DEMO_READY_FILE", settings.workDir().resolveSibling("sources-ready").toString()));
        try (GithubApiStandIn github = GithubApiStandIn.start(settings.workDir().resolveSibling("sources-github"), null,
                settings.githubPort())) {
            new SourcesDemo(settings, org, count).run(github, ready);
        }
    }

    private void run(GithubApiStandIn github, Path ready) throws Exception {
        List<String> names = createOrganisation(github);
        say("the \"GitHub\" stand-in: REST API %s, git at %s/<owner>/<repo>.git (on loopback, no token needed)",
                github.apiUri(), github.baseUri());
        say("organisation %s: %d repositories (%s ... %s); no webhook is registered and none will be sent", org,
                names.size(), names.get(0), names.get(names.size() - 1));
        Files.createDirectories(ready.getParent());
        Files.writeString(ready, github.apiUri().toString());
        Instant start = Instant.now();
        follow(github, Set.copyOf(names));
        say("all %d repositories of %s mirrored in %d s, by discovery alone", names.size(), org,
                Duration.between(start, Instant.now()).toSeconds());
        printCost(github);
    }

    private List<String> createOrganisation(GithubApiStandIn github) {
        github.createOrg(org);
        List<String> names = IntStream.rangeClosed(1, count).mapToObj(i -> String.format("%s/project-%02d", org, i))
                .toList();
        for (int i = 0; i < names.size(); i++) {
            github.createRepository(names.get(i));
            github.commit(names.get(i), "main", "src/app.txt", "the code of " + names.get(i) + "\n");
            if (i % 3 == 0) {
                github.commit(names.get(i), "develop", "NEXT.md", "what comes next\n");
            }
        }
        return names;
    }

    /** Prints each repository when it is registered and when its mirror holds the source's refs, until all do. */
    private void follow(GithubApiStandIn github, Set<String> names) throws Exception {
        Set<String> registered = new LinkedHashSet<>();
        Set<String> mirrored = new LinkedHashSet<>();
        Instant deadline = Instant.now().plus(WAIT);
        say("waiting for control-service's first discovery pass (FORGESYNC_SOURCES=org:%s)", org);
        while (mirrored.size() < names.size()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(mirrored.size() + " of " + names.size() + " mirrored after "
                        + WAIT.toMinutes() + " min; see .forgesync/logs/control-service.log and sync-worker-*.log");
            }
            for (Map<String, String> row : rows()) {
                String name = row.get("github_full_name");
                if (registered.add(name)) {
                    say("registered %-22s (sync requested by: %s)", name, row.get("triggers"));
                }
                if (!mirrored.contains(name) && "completed".equals(row.get("sync_status"))) {
                    String location = settings.mirrorLocation(row.get("onedev_url"), name);
                    Map<String, String> source = Demo.refs(github.baseUri() + "/" + name + ".git");
                    if (source.equals(Demo.refs(location))) {
                        mirrored.add(name);
                        say("mirrored   %-22s %d refs equal to the source's  [%d/%d]  %s", name, source.size(),
                                mirrored.size(), names.size(), location);
                    }
                }
            }
            Thread.sleep(500);
        }
    }

    private List<Map<String, String>> rows() throws SQLException {
        try (Connection c = settings.connect(); PreparedStatement ps = c.prepareStatement(ROWS)) {
            ps.setString(1, org + "/%");
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, String>> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (String column : List.of("github_full_name", "sync_status", "onedev_url", "triggers")) {
                        row.put(column, rs.getString(column));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    private void printCost(GithubApiStandIn github) throws SQLException {
        Map<String, Long> byTrigger = new LinkedHashMap<>();
        try (Connection c = settings.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT e.event_type, COUNT(*) FROM webhook_events e JOIN repositories r ON r.id = e.repository_id
                WHERE r.github_full_name LIKE ? GROUP BY e.event_type ORDER BY 1""")) {
            ps.setString(1, org + "/%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byTrigger.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        say("sync requests by trigger: %s (a webhook would show as push, watch, star...)", byTrigger);
        Map<String, Long> requests = new LinkedHashMap<>();
        for (GithubApiServlet.Exchange e : github.apiRequests()) {
            requests.merge(e.method() + " " + e.pathAndQuery().replaceAll("\\?.*", "") + " " + e.status(), 1L, Long::sum);
        }
        say("GitHub REST requests the stand-in answered: %s", requests);
        say("git requests (ref advertisements and fetches by the workers and the freshness checks): %d",
                github.requests().size() - github.apiRequests().size());
        say("the source and its last discovery: GET /api/sources on control-service (the admin token is in "
                + ".forgesync/ops-admin-token), or its status page");
    }
}
