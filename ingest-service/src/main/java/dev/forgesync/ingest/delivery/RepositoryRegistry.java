package dev.forgesync.ingest.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

import dev.forgesync.ingest.github.GithubRepository;
import dev.forgesync.requests.outbox.Rearm;
import dev.forgesync.requests.outbox.SupersededUrl;

/**
 * The effect of a delivery on {@code repositories}: register a new repository as {@code pending}, re-arm a known one,
 * keep its GitHub name, owner and URL current, stop syncing a deleted one. Re-arming is the contract's rule
 * ({@link Rearm}).
 *
 * <p>A repository is found by GitHub's repository id first (renames and transfers keep it), by URL second. Every
 * delivery carries the repository's current name, so a row whose name, owner, URL, default branch or privacy differ
 * from the payload is rewritten by any event, not only by {@code repository renamed}: a rename whose own delivery was
 * lost does not matter. A URL held by a row of another GitHub repository is given up by that row
 * ({@link SupersededUrl}).
 */
@Component
class RepositoryRegistry {

    private static final String FIND = """
            SELECT id, github_url, github_repo_id, github_repo_name, github_owner, github_full_name,
                   github_default_branch, github_is_private,
                   sync_status = ANY(:rearmable) AS rearmable,
                   COALESCE(metadata -> 'sync_stopped' IS NOT NULL, FALSE) AS stopped
            FROM repositories
            WHERE github_url = ANY(:urls) OR github_repo_id = ANY(:githubIds)
            ORDER BY id""";

    private static final String INSERT_COLUMNS = """
            INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id,
                                      github_default_branch, github_is_private, github_size_kb, metadata, sync_status)
            VALUES """;

    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), 'pending')";

    private static final String RESUME = """
            UPDATE repositories SET metadata = metadata - 'sync_stopped' - 'sync_stopped_at'
            WHERE id = ANY(:ids) AND metadata -> 'sync_stopped' IS NOT NULL""";

    /** What every event keeps current. */
    private static final String REFRESH_NAMES = """
            UPDATE repositories
            SET github_url = :url, github_repo_name = :name, github_owner = :owner, github_full_name = :fullName,
                github_repo_id = :githubRepoId, github_default_branch = :defaultBranch, github_is_private = :isPrivate
            """;

    /** What a {@code repository} event rewrites besides: size and the descriptive metadata. */
    private static final String REFRESH_ALL = REFRESH_NAMES + """
                , github_size_kb = :sizeKb, metadata = COALESCE(metadata, '{}'::jsonb) || CAST(:metadata AS jsonb)
            """;

    /** By GitHub id; by URL only a row that has no GitHub id (a row of another repository keeps syncing). */
    private static final String STOP = """
            UPDATE repositories
            SET metadata = COALESCE(metadata, '{}'::jsonb)
                           || jsonb_build_object('sync_stopped', CAST(:reason AS text), 'sync_stopped_at', NOW())
            WHERE github_repo_id = :githubRepoId OR (github_url = :url AND github_repo_id IS NULL)
            RETURNING id""";

    private final JdbcClient jdbc;
    private final Rearm rearm;
    private final SupersededUrl supersededUrl;

    RepositoryRegistry(JdbcClient jdbc, Rearm rearm, SupersededUrl supersededUrl) {
        this.jdbc = jdbc;
        this.rearm = rearm;
        this.supersededUrl = supersededUrl;
    }

    /**
     * Registers or re-arms the repositories of many deliveries at once, with a statement count independent of their
     * number in the common case (one SELECT, one multi-row INSERT for new ones, one guarded UPDATE each to resume and
     * to re-arm; a rewrite only for a row whose name changed). A stopped row resumes; a completed or failed row is
     * re-armed. Rows are written in id order, so two concurrent batches lock them in the same order.
     *
     * <p>Keys go in as array parameters ({@code = ANY(?)}), not as IN lists: one statement text whatever the batch's
     * size (pgjdbc prepares it once per connection), and a plan that stays an index lookup on a table without
     * statistics. With IN lists the planner chose sequential scans on a table never analysed (the benchmark's
     * PostgreSQL, autovacuum off, spent over half its CPU there).
     *
     * @param rewriteAll also rewrite size and metadata ({@code repository} events), not only names and URL
     * @return the repository id by each repository's {@link GithubRepository#githubRepoId()}
     */
    Map<Long, Long> registerOrRearmAll(Collection<GithubRepository> repos, boolean rewriteAll) {
        Map<Long, GithubRepository> latest = new TreeMap<>();
        repos.forEach(repo -> latest.put(repo.githubRepoId(), repo));
        Resolution resolution = resolve(latest.values(), find(latest.values()));
        if (!resolution.urlHolders().isEmpty()) {
            supersededUrl.giveUp(resolution.urlHolders());
        }
        registerNew(resolution);
        rewrite(resolution.rows(), latest, rewriteAll);
        resumeAndRearm(resolution.rows().values());
        Map<Long, Long> ids = new HashMap<>();
        resolution.rows().forEach((githubRepoId, row) -> ids.put(githubRepoId, row.id()));
        return ids;
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

    // ---- steps ----

    private List<Known> find(Collection<GithubRepository> repos) {
        return jdbc.sql(FIND)
                .param("rearmable", Rearm.finalStates())
                .param("urls", new SqlArrayValue("varchar", repos.stream().map(GithubRepository::htmlUrl).toArray()))
                .param("githubIds",
                        new SqlArrayValue("bigint", repos.stream().map(GithubRepository::githubRepoId).toArray()))
                .query(RepositoryRegistry::known)
                .list();
    }

    /**
     * Which row stands for each repository: the one with its GitHub id, else the one with its URL when that row has
     * no GitHub id; none (to register) otherwise. A row holding a wanted URL for another GitHub id gives it up.
     */
    private static Resolution resolve(Collection<GithubRepository> repos, List<Known> rows) {
        Map<Long, Known> byGithubId = new HashMap<>();
        Map<String, Known> byUrl = new HashMap<>();
        for (Known row : rows) {
            if (row.githubRepoId() != null) {
                byGithubId.putIfAbsent(row.githubRepoId(), row);
            }
            byUrl.put(row.url(), row);
        }
        Resolution resolution = new Resolution(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
        for (GithubRepository repo : repos) {
            Known holder = byUrl.get(repo.htmlUrl());
            Known row = byGithubId.getOrDefault(repo.githubRepoId(),
                    holder != null && holder.githubRepoId() == null ? holder : null);
            if (row == null) {
                resolution.unknown().add(repo);
            } else {
                resolution.rows().put(repo.githubRepoId(), row);
            }
        }
        for (GithubRepository repo : repos) {
            Known holder = byUrl.get(repo.htmlUrl());
            if (holder != null && !resolution.rows().containsValue(holder)) {
                resolution.urlHolders().add(holder.id());
            }
        }
        return resolution;
    }

    /**
     * New repositories in one INSERT, as {@code pending}. A URL another transaction registered meanwhile is read
     * back; if that row is another repository's, the transaction is refused as a race (stored again from the start).
     */
    private void registerNew(Resolution resolution) {
        if (resolution.unknown().isEmpty()) {
            return;
        }
        Map<String, Long> inserted = insertNew(resolution.unknown());
        List<GithubRepository> raced = new ArrayList<>();
        for (GithubRepository repo : resolution.unknown()) {
            Long id = inserted.get(repo.htmlUrl());
            if (id == null) {
                raced.add(repo);
            } else {
                resolution.rows().put(repo.githubRepoId(), Known.inserted(id, repo));
            }
        }
        if (raced.isEmpty()) {
            return;
        }
        Map<String, Known> registered = new HashMap<>();
        find(raced).forEach(row -> registered.put(row.url(), row));
        for (GithubRepository repo : raced) {
            Known row = registered.get(repo.htmlUrl());
            if (row == null || !Objects.equals(row.githubRepoId(), repo.githubRepoId())) {
                throw new ConcurrencyFailureException(
                        "repository " + repo.fullName() + " was registered concurrently under another GitHub id");
            }
            resolution.rows().put(repo.githubRepoId(), row);
        }
    }

    /** New repositories in one INSERT (in the given order); a URL registered meanwhile is skipped. */
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

    /** Rewrites, in id order, each known row the payload describes differently (every row with {@code all}). */
    private void rewrite(Map<Long, Known> rows, Map<Long, GithubRepository> latest, boolean all) {
        rows.entrySet().stream()
                .filter(entry -> !entry.getValue().isNew())
                .filter(entry -> all || !entry.getValue().describes(latest.get(entry.getKey())))
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare(a.id(), b.id())))
                .forEach(entry -> withRepository(jdbc.sql((all ? REFRESH_ALL : REFRESH_NAMES) + " WHERE id = :id"),
                        latest.get(entry.getKey())).param("id", entry.getValue().id()).update());
    }

    private void resumeAndRearm(Collection<Known> rows) {
        List<Long> stopped = rows.stream().filter(Known::stopped).map(Known::id).distinct().sorted().toList();
        if (!stopped.isEmpty()) {
            jdbc.sql(RESUME).param("ids", new SqlArrayValue("integer", stopped.toArray())).update();
        }
        List<Long> rearmable = rows.stream().filter(Known::rearmable).map(Known::id).toList();
        if (!rearmable.isEmpty()) {
            rearm.rearm(rearmable, Rearm.FROM_FINAL);
        }
    }

    private static Known known(ResultSet rs, int rowNum) throws SQLException {
        long githubRepoId = rs.getLong("github_repo_id");
        Long githubId = rs.wasNull() ? null : githubRepoId;
        boolean isPrivate = rs.getBoolean("github_is_private");
        Boolean privacy = rs.wasNull() ? null : isPrivate;
        return new Known(rs.getLong("id"), rs.getString("github_url"), githubId, rs.getString("github_repo_name"),
                rs.getString("github_owner"), rs.getString("github_full_name"), rs.getString("github_default_branch"),
                privacy, rs.getBoolean("rearmable"), rs.getBoolean("stopped"), false);
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

    /** Which row stands for each GitHub id, which repositories are new, which rows give their URL up. */
    private record Resolution(Map<Long, Known> rows, List<GithubRepository> unknown, List<Long> urlHolders) {
    }

    /** A row as read before the change (the guarded UPDATEs still decide), or one this transaction inserted. */
    private record Known(long id, String url, Long githubRepoId, String name, String owner, String fullName,
            String defaultBranch, Boolean isPrivate, boolean rearmable, boolean stopped, boolean isNew) {

        static Known inserted(long id, GithubRepository repo) {
            return new Known(id, repo.htmlUrl(), repo.githubRepoId(), repo.name(), repo.owner(), repo.fullName(),
                    repo.defaultBranch(), repo.isPrivate(), false, false, true);
        }

        /** True when the row already says what the payload says about the repository's identity. */
        boolean describes(GithubRepository repo) {
            return url.equals(repo.htmlUrl()) && Objects.equals(githubRepoId, repo.githubRepoId())
                    && name.equals(repo.name()) && owner.equals(repo.owner()) && fullName.equals(repo.fullName())
                    && Objects.equals(defaultBranch, repo.defaultBranch())
                    && Objects.equals(isPrivate, repo.isPrivate());
        }
    }
}
