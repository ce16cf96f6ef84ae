package dev.forgesync.control.discovery;

import java.sql.Types;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.outbox.SupersededUrl;

/**
 * A discovered repository's row in {@code repositories}, matched by GitHub's repository id: a known one is kept
 * current (a rename or transfer rewrites its names and URL, never a second row), an unknown one is inserted as
 * {@code pending}. A row with the same URL and no GitHub id yet (registered before ids were stored) adopts the id. A
 * row with the same URL and another GitHub id stands for a repository renamed or deleted since: it gives the URL up
 * first ({@link SupersededUrl}, the rule deliveries apply too), so that this repository is registered under it, or
 * renamed into it, instead of being refused by the URL's uniqueness.
 * The request itself goes through the shared outbox ({@code SyncRequestOutbox}). Every registration, new or known,
 * links the row to the source that listed it ({@code source_repositories}): the worker mirrors it with that source's
 * mode and ref globs.
 */
@Component
class Registration {

    private static final String REFRESH = """
            UPDATE repositories
            SET github_url = :url, github_repo_name = :name, github_owner = :owner, github_full_name = :fullName,
                github_default_branch = COALESCE(:defaultBranch, github_default_branch), github_is_private = :isPrivate
            WHERE github_repo_id = :githubRepoId
              AND (github_url <> :url OR github_full_name <> :fullName OR github_is_private IS DISTINCT FROM :isPrivate)
            """;

    private static final String KNOWN = """
            SELECT id FROM repositories WHERE github_repo_id = :githubRepoId ORDER BY id LIMIT 1""";

    private static final String ADOPT = """
            UPDATE repositories SET github_repo_id = :githubRepoId
            WHERE github_url = :url AND github_repo_id IS NULL RETURNING id""";

    private static final String INSERT = """
            INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id,
                                      github_default_branch, github_is_private, github_size_kb, metadata, sync_status)
            VALUES (:url, :name, :owner, :fullName, :githubRepoId, :defaultBranch, :isPrivate, :sizeKb,
                    jsonb_build_object('discovered_by', CAST(:source AS text)), 'pending')
            ON CONFLICT (github_url) DO NOTHING
            RETURNING id""";

    /** The row holding a URL for another GitHub repository. */
    private static final String URL_HOLDER = """
            SELECT id FROM repositories
            WHERE github_url = :url AND github_repo_id IS NOT NULL AND github_repo_id <> :githubRepoId
            FOR UPDATE""";

    private static final String LINK = """
            INSERT INTO source_repositories (repository_id, source_id) VALUES (:repositoryId, :sourceId)
            ON CONFLICT DO NOTHING""";

    /** What registration did: the row's id, and whether it is new (then it needs a request). */
    record Registered(long repositoryId, boolean isNew) {
    }

    private final JdbcClient jdbc;
    private final SupersededUrl supersededUrl;

    Registration(JdbcClient jdbc, SupersededUrl supersededUrl) {
        this.jdbc = jdbc;
        this.supersededUrl = supersededUrl;
    }

    /**
     * Registers or refreshes; empty only when a concurrent registration took the URL between the two statements (the
     * next pass registers it).
     */
    Optional<Registered> register(DiscoveredRepository repo, long sourceId, String source) {
        Optional<Registered> registered = registerRow(repo, source);
        registered.ifPresent(r -> jdbc.sql(LINK).param("repositoryId", r.repositoryId()).param("sourceId", sourceId)
                .update());
        return registered;
    }

    private Optional<Registered> registerRow(DiscoveredRepository repo, String source) {
        List<Long> holders = jdbc.sql(URL_HOLDER).param("url", repo.htmlUrl())
                .param("githubRepoId", repo.githubRepoId()).query(Long.class).list();
        if (!holders.isEmpty()) {
            supersededUrl.giveUp(holders);
        }
        bind(jdbc.sql(REFRESH), repo).update();
        Optional<Long> known = jdbc.sql(KNOWN).param("githubRepoId", repo.githubRepoId()).query(Long.class).optional();
        if (known.isPresent()) {
            return Optional.of(new Registered(known.get(), false));
        }
        Optional<Long> adopted = jdbc.sql(ADOPT).param("githubRepoId", repo.githubRepoId()).param("url", repo.htmlUrl())
                .query(Long.class).optional();
        if (adopted.isPresent()) {
            return Optional.of(new Registered(adopted.get(), false));
        }
        return bind(jdbc.sql(INSERT), repo).param("sizeKb", repo.sizeKb(), Types.INTEGER).param("source", source)
                .query(Long.class).optional().map(id -> new Registered(id, true));
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, DiscoveredRepository repo) {
        return statement.param("url", repo.htmlUrl()).param("name", repo.name()).param("owner", repo.owner())
                .param("fullName", repo.fullName()).param("githubRepoId", repo.githubRepoId())
                .param("defaultBranch", repo.defaultBranch(), Types.VARCHAR).param("isPrivate", repo.isPrivate());
    }
}
