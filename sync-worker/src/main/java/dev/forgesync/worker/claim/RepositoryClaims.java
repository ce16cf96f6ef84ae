package dev.forgesync.worker.claim;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.schema.SyncStatus;

/**
 * The repository's state machine as guarded updates: every transition names the state it leaves, and the number of
 * rows changed is the answer. A sync holds its repository through a {@link Claim}: CLAIM increments
 * {@code claim_fence} and every later write of that sync names the value it got, so two syncs never both write one
 * row, and a sync whose claim was taken over (its heartbeats went stale) changes nothing.
 */
@Component
public class RepositoryClaims {

    private static final String COLUMNS = """
            id, github_full_name, github_owner, github_repo_name, github_default_branch, sync_status,
            COALESCE(retry_count, 0) AS retry_count, COALESCE(max_retries, 3) AS max_retries,
            COALESCE(metadata -> 'sync_stopped' IS NOT NULL, FALSE) AS stopped,
            COALESCE(github_is_private, FALSE) AS github_is_private, onedev_project_id, github_url,
            metadata ->> 'description' AS github_description,
            COALESCE(metadata ->> 'archived' = 'true', FALSE) AS github_archived""";

    private static final String FIND = "SELECT " + COLUMNS + " FROM repositories WHERE id = :id";

    /**
     * A failed row is claimable only once its retry is due (a duplicate request neither skips the back-off nor
     * spends a retry); an in_progress row only when its holder stopped sending heartbeats for a whole claim TTL.
     */
    private static final String CLAIM = """
            UPDATE repositories SET sync_status = 'in_progress', claim_fence = claim_fence + 1, claimed_at = NOW()
            WHERE id = :id
              AND (sync_status IN ('pending', 'completed')
                   OR (sync_status = 'failed' AND (next_retry_at IS NULL OR next_retry_at <= NOW()))
                   OR (sync_status = 'in_progress' AND updated_at < NOW() - make_interval(secs => :ttlSeconds)))
            RETURNING claim_fence, claimed_at, """ + COLUMNS;

    private static final String REFUSAL = """
            SELECT sync_status, claimed_at, next_retry_at FROM repositories WHERE id = :id""";

    /** No column changes, but the trigger moves {@code updated_at}: the claim stays fresh. */
    private static final String HEARTBEAT = """
            UPDATE repositories SET claim_fence = claim_fence
            WHERE id = :id AND sync_status = 'in_progress' AND claim_fence = :fence""";

    private static final String COMPLETE = """
            UPDATE repositories
            SET sync_status = 'completed', last_synced_at = NOW(), last_sync_started_at = claimed_at,
                error_message = NULL, retry_count = 0, next_retry_at = NULL,
                rejected_refs = COALESCE(CAST(:rejected AS integer), rejected_refs),
                archived_refs = archived_refs + :archived
            WHERE id = :id AND sync_status = 'in_progress' AND claim_fence = :fence""";

    private static final String FAIL_FOR_RETRY = """
            UPDATE repositories
            SET sync_status = 'failed', error_message = :error,
                retry_count = COALESCE(retry_count, 0) + 1,
                next_retry_at = NOW() + make_interval(secs => :delaySeconds)
            WHERE id = :id AND sync_status = 'in_progress' AND claim_fence = :fence
              AND COALESCE(retry_count, 0) < COALESCE(max_retries, 3)
            RETURNING retry_count""";

    private static final String MARK_PERMANENT = """
            UPDATE repositories
            SET sync_status = 'permanent_failure', error_message = :error, next_retry_at = NULL
            WHERE id = :id AND sync_status = 'in_progress' AND claim_fence = :fence""";

    private static final String MARK_FAILED_PERMANENT = """
            UPDATE repositories
            SET sync_status = 'permanent_failure', error_message = :error, next_retry_at = NULL
            WHERE id = :id AND sync_status = 'failed'""";

    private static final String STORE_ONEDEV = """
            UPDATE repositories SET onedev_url = :url, onedev_repo_name = :name, onedev_project_id = :projectId
            WHERE id = :id AND sync_status = 'in_progress' AND claim_fence = :fence""";

    private static final String LATEST_SUCCESSFUL_START = """
            SELECT last_sync_started_at FROM repositories WHERE id = :id""";

    /** No sync in flight or finished covers a request received at {@code :requestedAt}. */
    private static final String AWAITS_ANOTHER_REQUEST = """
            SELECT COUNT(*) FROM repositories
            WHERE id = :id
              AND (sync_status = 'pending'
                   OR (sync_status = 'in_progress'
                       AND (updated_at < NOW() - make_interval(secs => :ttlSeconds) OR claimed_at < :requestedAt))
                   OR (sync_status = 'completed'
                       AND (last_sync_started_at IS NULL OR last_sync_started_at < :requestedAt)))""";

    private final JdbcClient jdbc;

    public RepositoryClaims(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<RepositoryRow> find(long id) {
        return jdbc.sql(FIND).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    /**
     * {@code in_progress} from pending, completed, a failed row whose retry is due, or an {@code in_progress} row
     * without a heartbeat for {@code ttl}: the won claim, or why not.
     */
    public ClaimAttempt claim(long id, Duration ttl) {
        Optional<Claim> won = jdbc.sql(CLAIM).param("id", id).param("ttlSeconds", ttl.toMillis() / 1000.0)
                .query((rs, n) -> new Claim(row(rs), rs.getLong("claim_fence"), instant(rs, "claimed_at")))
                .optional();
        if (won.isPresent()) {
            return new ClaimAttempt.Won(won.get());
        }
        return jdbc.sql(REFUSAL).param("id", id)
                .query((rs, n) -> (ClaimAttempt) new ClaimAttempt.Refused(SyncStatus.fromDb(rs.getString("sync_status")),
                        instant(rs, "claimed_at"), instant(rs, "next_retry_at")))
                .optional().orElse(ClaimAttempt.GONE);
    }

    /** Keeps a live claim from looking stale; false once the claim is no longer this holder's. */
    public boolean heartbeat(Claim claim) {
        return fenced(HEARTBEAT, claim).update() == 1;
    }

    /** {@code completed}, remembering when this sync started; false if the claim was lost. */
    public boolean complete(Claim claim) {
        return complete(claim, 0, 0);
    }

    /**
     * {@code completed} with the refs the destination refused this time ({@code > 0}: partial) and the tips the vault
     * archived this time added to the repository's count ({@code rejectedRefs} null: no push ran, the count stays);
     * false if the claim was lost.
     */
    public boolean complete(Claim claim, Integer rejectedRefs, int archivedRefs) {
        return fenced(COMPLETE, claim).param("rejected", rejectedRefs, java.sql.Types.INTEGER)
                .param("archived", archivedRefs).update() == 1;
    }

    /**
     * {@code failed} with one more retry; empty when {@code retry_count} has reached {@code max_retries} or the
     * claim was lost.
     */
    public Optional<Integer> failForRetry(Claim claim, String error, Duration delay) {
        return fenced(FAIL_FOR_RETRY, claim).param("error", error).param("delaySeconds", delay.toMillis() / 1000.0)
                .query(Integer.class).optional();
    }

    /** {@code permanent_failure} from this sync's {@code in_progress}; false if the claim was lost. */
    public boolean markPermanent(Claim claim, String error) {
        return fenced(MARK_PERMANENT, claim).param("error", error).update() == 1;
    }

    /** {@code permanent_failure} from {@code failed} (retries ran out outside any sync); true if the row was failed. */
    public boolean markFailedPermanent(long id, String error) {
        return jdbc.sql(MARK_FAILED_PERMANENT).param("id", id).param("error", error).update() == 1;
    }

    /** Records the OneDev project this sync pushes to; false if the claim was lost. */
    public boolean storeOneDevProject(Claim claim, String url, String name, long projectId) {
        return fenced(STORE_ONEDEV, claim).param("url", url).param("name", name).param("projectId", projectId)
                .update() == 1;
    }

    /** When the latest successful sync of the repository started, by PostgreSQL's clock, if any. */
    public Optional<Instant> latestSuccessfulSyncStart(long id) {
        return jdbc.sql(LATEST_SUCCESSFUL_START).param("id", id).query(OffsetDateTime.class).list().stream()
                .filter(Objects::nonNull).findFirst().map(OffsetDateTime::toInstant);
    }

    /**
     * True when nothing will sync the repository for a request received at {@code requestedAt} unless it is asked
     * again: the row is {@code pending}, its running sync started earlier or stopped sending heartbeats, or its
     * latest successful sync started earlier. A {@code failed} row has its own retry coming.
     */
    public boolean awaitsAnotherRequest(long id, Instant requestedAt, Duration ttl) {
        return jdbc.sql(AWAITS_ANOTHER_REQUEST).param("id", id).param("ttlSeconds", ttl.toMillis() / 1000.0)
                .param("requestedAt", OffsetDateTime.ofInstant(requestedAt, ZoneOffset.UTC))
                .query(Long.class).single() > 0;
    }

    private JdbcClient.StatementSpec fenced(String sql, Claim claim) {
        return jdbc.sql(sql).param("id", claim.id()).param("fence", claim.fence());
    }

    private static RepositoryRow row(ResultSet rs) throws SQLException {
        return new RepositoryRow(
                rs.getLong("id"),
                rs.getString("github_full_name"),
                rs.getString("github_owner"),
                rs.getString("github_repo_name"),
                rs.getString("github_default_branch"),
                SyncStatus.fromDb(rs.getString("sync_status")),
                rs.getInt("retry_count"),
                rs.getInt("max_retries"),
                rs.getBoolean("stopped"),
                rs.getBoolean("github_is_private"),
                nullableLong(rs, "onedev_project_id"),
                rs.getString("github_url"),
                rs.getString("github_description"),
                rs.getBoolean("github_archived"));
    }

    /** {@code onedev_project_id} is an INTEGER column: pgjdbc refuses {@code getObject(.., Long.class)} on it. */
    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
