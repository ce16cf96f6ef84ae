package dev.forgesync.worker.sync;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.schema.RefsDigest;

/**
 * What a successful sync pushed, for control-service's freshness check: the {@link RefsDigest} of the source's branch
 * and tag tips, written in the transaction that completes the sync (so a completed row always names what it mirrors).
 * A repository found stale is checked again at once, so its return to fresh shows without waiting an interval.
 */
@Component
class PushedRefs {

    private static final String UPSERT = """
            INSERT INTO repository_freshness (repository_id, pushed_refs_digest, pushed_ref_count, pushed_at)
            VALUES (:id, :digest, :count, NOW())
            ON CONFLICT (repository_id) DO UPDATE
            SET pushed_refs_digest = EXCLUDED.pushed_refs_digest, pushed_ref_count = EXCLUDED.pushed_ref_count,
                pushed_at = EXCLUDED.pushed_at,
                next_check_at = CASE WHEN repository_freshness.state = 'stale' THEN NOW()
                                     ELSE repository_freshness.next_check_at END""";

    private final JdbcClient jdbc;

    PushedRefs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Always true (an upsert), so it chains after the completion in one condition. */
    boolean record(long repositoryId, Map<String, String> tips) {
        jdbc.sql(UPSERT).param("id", repositoryId).param("digest", RefsDigest.of(tips))
                .param("count", RefsDigest.count(tips)).update();
        return true;
    }
}
