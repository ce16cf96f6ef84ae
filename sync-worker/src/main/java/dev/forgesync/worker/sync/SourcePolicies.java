package dev.forgesync.worker.sync;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;

/**
 * How a repository is mirrored, read when its sync starts (whatever triggered it: a webhook, discovery, drift, the
 * API): the global settings overridden by each source that listed it ({@code sources.mirror_mode} and the four glob
 * columns, linked by {@code source_repositories}, README "Per-source settings"), one policy per source; the global
 * settings alone for a repository no source listed. {@code GitMirror#open} combines them.
 */
@Component
class SourcePolicies {

    private static final String OF_REPOSITORY = """
            SELECT s.mirror_mode, s.branches_include, s.branches_exclude, s.tags_include, s.tags_exclude
            FROM source_repositories sr JOIN sources s ON s.id = sr.source_id
            WHERE sr.repository_id = :id ORDER BY s.id""";

    private final JdbcClient jdbc;
    private final HistoryProperties global;

    SourcePolicies(JdbcClient jdbc, HistoryProperties global) {
        this.jdbc = jdbc;
        this.global = global;
    }

    List<HistoryProperties> of(long repositoryId) {
        List<HistoryProperties> policies = jdbc.sql(OF_REPOSITORY).param("id", repositoryId)
                .query((rs, n) -> policy(rs)).list();
        return policies.isEmpty() ? List.of(global) : policies;
    }

    private HistoryProperties policy(ResultSet rs) throws SQLException {
        String mode = rs.getString("mirror_mode");
        return global.overriddenBy(mode == null ? null : MirrorMode.valueOf(mode.toUpperCase(Locale.ROOT)),
                strings(rs.getArray("branches_include")), strings(rs.getArray("branches_exclude")),
                strings(rs.getArray("tags_include")), strings(rs.getArray("tags_exclude")));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? null : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
