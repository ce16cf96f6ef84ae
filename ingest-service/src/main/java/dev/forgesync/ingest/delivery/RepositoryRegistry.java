package dev.forgesync.ingest.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

import dev.forgesync.ingest.github.GithubRepository;

/**
 * The effect of a delivery on {@code repositories}: register a new repository as {@code pending}, re-arm a known one,
 * rewrite a renamed or transferred one (found by {@code github_repo_id}), stop syncing a deleted one.
 */
@Component
class RepositoryRegistry {

    /** A known row with the keys rows are matched by (read before the change; the guarded UPDATEs still decide). */
    private static final String KNOWN = """
            SELECT id, github_url, github_repo_id,
                   sync_status IN ('completed', 'failed', 'permanent_failure') AS rearmable,
                   COALESCE(metadata -> 'sync_stopped' IS NOT NULL, FALSE) AS stopped
            FROM repositories""";

    private static final String FIND_BY_URL = KNOWN + " WHERE github_url = :url";

    private static final String FIND_BY_GITHUB_ID = KNOWN + " WHERE github_repo_id = :githubRepoId ORDER BY id LIMIT 1";

    private static final String INSERT_COLUMNS = """
            INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id,
                                      github_default_branch, github_is_private, github_size_kb, metadata, sync_status)
            VALUES """;

    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), 'pending')";

    /** The contract's re-arm: a pending or in-progress row is left alone (its request is still published). */
    private static final String REARM = """
            UPDATE repositories SET sync_status = 'pending', retry_count = 0, next_retry_at = NULL
            WHERE id = ANY(:ids) AND sync_status IN ('completed', 'failed', 'permanent_failure')""";

    private static final String RESUME = """
            UPDATE repositories SET metadata = metadata - 'sync_stopped' - 'sync_stopped_at'
            WHERE id = ANY(:ids) AND metadata -> 'sync_stopped' IS NOT NULL""";

    private static final String REFRESH = """
            UPDATE repositories
            SET github_url = :url, github_repo_name = :name, github_owner = :owner, github_full_name = :fullName,
                github_default_branch = :defaultBranch, github_is_private = :isPrivate, github_size_kb = :sizeKb,
                metadata = COALESCE(metadata, '{}'::jsonb) || CAST(:metadata AS jsonb)
            WHERE id = :id""";

    private static final String STOP = """
            UPDATE repositories
            SET metadata = COALESCE(metadata, '{}'::jsonb)
                           || jsonb_build_object('sync_stopped', CAST(:reason AS text), 'sync_stopped_at', NOW())
            WHERE github_repo_id = :githubRepoId OR github_url = :url
            RETURNING id""";

    private final JdbcClient jdbc;

    RepositoryRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Registers the repository if new, else re-arms it (rewriting its GitHub fields first with {@code refresh}).
     * The common case, a known repository that is pending or in progress, costs one indexed SELECT.
     */
    long registerOrRearm(GithubRepository repo, boolean refresh) {
        Optional<Known> known = refresh
                ? findByGithubId(repo).or(() -> findByUrl(repo))
                : findByUrl(repo).or(() -> findByGithubId(repo));
        if (known.isEmpty()) {
            Long inserted = insertNew(List.of(repo)).get(repo.htmlUrl());
            if (inserted != null) {
                return inserted;
            }
            known = findByUrl(repo);
        }
        Known row = known.orElseThrow(() -> new IllegalStateException("repository vanished: " + repo.fullName()));
        if (refresh) {
            withRepository(jdbc.sql(REFRESH), repo).param("id", row.id()).update();
        }
        if (row.stopped()) {
            update(RESUME, List.of(row.id()));
        }
        if (row.rearmable()) {
            update(REARM, List.of(row.id()));
        }
        return row.id();
    }

    /**
     * {@link #registerOrRearm} without refresh for the repositories of many deliveries at once, with a statement count
     * independent of their number: one SELECT by URL (and one by GitHub id for those not found), one multi-row INSERT
     * for the new ones, one guarded UPDATE each to resume and to re-arm. The same rules as one at a time: a row found
     * by URL, else by GitHub id (a renamed repository's old name), else registered as pending; a stopped row
     * resumes; a completed or failed row is re-armed. Rows are written in id (or URL) order, so two concurrent
     * batches lock them in the same order.
     *
     * <p>Keys go in as one array parameter ({@code = ANY(?)}), not as IN lists: one statement text whatever the
     * batch's size (pgjdbc prepares it once per connection), and a plan that stays an index lookup on a table
     * without statistics. With IN lists of parameters the planner chose sequential scans on a table never analysed,
     * evaluating the whole list for every row: the benchmark's PostgreSQL (autovacuum off, as this machine's is)
     * spent over half its CPU there.
     *
     * @return the repository id by each repository's {@link GithubRepository#htmlUrl()}
     */
    Map<String, Long> registerOrRearmAll(Collection<GithubRepository> repos) {
        Map<String, GithubRepository> byUrl = new TreeMap<>();
        repos.forEach(repo -> byUrl.putIfAbsent(repo.htmlUrl(), repo));
        Map<String, Known> known = new HashMap<>();
        for (KeyedKnown row : findByUrls(byUrl.keySet())) {
            known.put(row.url(), row.known());
        }
        List<GithubRepository> notFound = byUrl.values().stream().filter(r -> !known.containsKey(r.htmlUrl())).toList();
        if (!notFound.isEmpty()) {
            Map<Long, Known> byGithubId = new HashMap<>();
            for (KeyedKnown row : jdbc.sql(KNOWN + " WHERE github_repo_id = ANY(:ids) ORDER BY id")
                    .param("ids", new SqlArrayValue("bigint", notFound.stream().map(GithubRepository::githubRepoId).toArray()))
                    .query(RepositoryRegistry::keyed).list()) {
                byGithubId.putIfAbsent(row.githubRepoId(), row.known());
            }
            List<GithubRepository> unknown = new ArrayList<>();
            for (GithubRepository repo : notFound) {
                Known row = byGithubId.get(repo.githubRepoId());
                if (row == null) {
                    unknown.add(repo);
                } else {
                    known.put(repo.htmlUrl(), row);
                }
            }
            if (!unknown.isEmpty()) {
                Map<String, Long> inserted = insertNew(unknown);
                inserted.forEach((url, id) -> known.put(url, new Known(id, false, false)));
                // A URL another transaction registered meanwhile is read back.
                List<String> raced = unknown.stream().map(GithubRepository::htmlUrl).filter(url -> !inserted.containsKey(url)).toList();
                if (!raced.isEmpty()) {
                    findByUrls(raced).forEach(row -> known.put(row.url(), row.known()));
                }
            }
        }
        List<Long> stopped = known.values().stream().filter(Known::stopped).map(Known::id).distinct().sorted().toList();
        if (!stopped.isEmpty()) {
            update(RESUME, stopped);
        }
        List<Long> rearmable = known.values().stream().filter(Known::rearmable).map(Known::id).distinct().sorted().toList();
        if (!rearmable.isEmpty()) {
            update(REARM, rearmable);
        }
        Map<String, Long> ids = new HashMap<>();
        known.forEach((url, row) -> ids.put(url, row.id()));
        return ids;
    }

    /**
     * New repositories in one INSERT (in the given order), as {@code pending}; a URL another transaction registered
     * meanwhile is skipped. Returns the new ids by URL.
     */
    private Map<String, Long> insertNew(List<GithubRepository> repos) {
        StringBuilder sql = new StringBuilder(INSERT_COLUMNS);
        List<Object> params = new ArrayList<>(repos.size() * 9);
        for (GithubRepository repo : repos) {
            sql.append(params.isEmpty() ? "" : ", ").append(INSERT_ROW);
            params.add(repo.htmlUrl());
            params.add(repo.name());
            params.add(repo.owner());
            params.add(repo.fullName());
            params.add(repo.githubRepoId());
            params.add(new SqlParameterValue(Types.VARCHAR, repo.defaultBranch()));
            params.add(repo.isPrivate());
            params.add(new SqlParameterValue(Types.INTEGER, repo.sizeKb()));
            params.add(repo.metadataJson());
        }
        sql.append(" ON CONFLICT (github_url) DO NOTHING RETURNING id, github_url");
        Map<String, Long> inserted = new HashMap<>();
        jdbc.sql(sql.toString()).params(params).query((rs, n) -> inserted.put(rs.getString(2), rs.getLong(1))).list();
        return inserted;
    }

    /** {@link #RESUME} or {@link #REARM} for these rows. */
    private void update(String guardedUpdate, List<Long> ids) {
        jdbc.sql(guardedUpdate).param("ids", new SqlArrayValue("integer", ids.toArray())).update();
    }

    private List<KeyedKnown> findByUrls(Collection<String> urls) {
        return jdbc.sql(KNOWN + " WHERE github_url = ANY(:urls)").param("urls", new SqlArrayValue("varchar", urls.toArray()))
                .query(RepositoryRegistry::keyed).list();
    }

    private static KeyedKnown keyed(ResultSet rs, int rowNum) throws SQLException {
        long githubRepoId = rs.getLong("github_repo_id");
        return new KeyedKnown(rs.getString("github_url"), rs.wasNull() ? null : githubRepoId,
                new Known(rs.getLong("id"), rs.getBoolean("rearmable"), rs.getBoolean("stopped")));
    }

    private record KeyedKnown(String url, Long githubRepoId, Known known) {
    }

    /** A known row as read before the change; the guarded UPDATEs still decide. */
    private record Known(long id, boolean rearmable, boolean stopped) {
    }

    /** Notes in the row's metadata that syncing stopped and why; empty when the repository is unknown. */
    Optional<Long> stopSyncing(GithubRepository repo, String reason) {
        return jdbc.sql(STOP)
                .param("reason", reason)
                .param("githubRepoId", repo.githubRepoId())
                .param("url", repo.htmlUrl())
                .query(Long.class)
                .list().stream().findFirst();
    }

    private Optional<Known> findByUrl(GithubRepository repo) {
        return jdbc.sql(FIND_BY_URL).param("url", repo.htmlUrl()).query(RepositoryRegistry::keyed).optional()
                .map(KeyedKnown::known);
    }

    private Optional<Known> findByGithubId(GithubRepository repo) {
        return jdbc.sql(FIND_BY_GITHUB_ID).param("githubRepoId", repo.githubRepoId()).query(RepositoryRegistry::keyed)
                .optional().map(KeyedKnown::known);
    }

    private static JdbcClient.StatementSpec withRepository(JdbcClient.StatementSpec statement, GithubRepository repo) {
        return statement
                .param("url", repo.htmlUrl())
                .param("name", repo.name())
                .param("owner", repo.owner())
                .param("fullName", repo.fullName())
                .param("githubRepoId", repo.githubRepoId())
                .param("defaultBranch", repo.defaultBranch(), Types.VARCHAR)
                .param("isPrivate", repo.isPrivate())
                .param("sizeKb", repo.sizeKb(), Types.INTEGER)
                .param("metadata", repo.metadataJson());
    }
}
