package dev.forgesync.control.freshness;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.schema.RefsDigest;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/** Rows of mirrored repositories, written as sync-worker writes them, and their freshness state as tests read it. */
final class MirroredRows {

    private final JdbcClient jdbc;
    private final GithubApiStandIn github;

    MirroredRows(JdbcClient jdbc, GithubApiStandIn github) {
        this.jdbc = jdbc;
        this.github = github;
    }

    /** A completed repository whose row says what the worker pushed: the source's tips now. */
    long mirrored(String fullName) {
        long id = jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, github_repo_id,
                                          sync_status, last_synced_at)
                VALUES (:url, :name, :owner, :fullName, :githubId, 'in_progress', NOW()) RETURNING id""")
                .param("url", github.baseUri() + "/" + fullName).param("name", fullName.split("/")[1])
                .param("owner", fullName.split("/")[0]).param("fullName", fullName)
                .param("githubId", github.repository(fullName).orElseThrow().id()).query(Long.class).single();
        workerCompletes(id, fullName);
        return id;
    }

    /** What sync-worker's completion writes (PushedRefs), in the statement that completes the row. */
    void workerCompletes(long id, String fullName) {
        Map<String, String> tips = SourceTips.of(github, fullName);
        jdbc.sql("""
                WITH done AS (UPDATE repositories SET sync_status = 'completed' WHERE id = :id RETURNING id)
                INSERT INTO repository_freshness (repository_id, pushed_refs_digest, pushed_ref_count, pushed_at)
                SELECT id, :digest, :count, NOW() FROM done
                ON CONFLICT (repository_id) DO UPDATE
                SET pushed_refs_digest = EXCLUDED.pushed_refs_digest, pushed_at = NOW(), next_check_at = NOW()""")
                .param("id", id).param("digest", RefsDigest.of(tips)).param("count", tips.size()).update();
    }

    /** The repository's freshness state, {@code none} before its first check. */
    String state(long id) {
        return jdbc.sql("SELECT state FROM repository_freshness WHERE repository_id = :id").param("id", id)
                .query(String.class).optional().orElse("none");
    }
}
