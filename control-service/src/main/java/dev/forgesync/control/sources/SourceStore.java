package dev.forgesync.control.sources;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/** The {@code sources} table. */
@Component
public class SourceStore {

    private static final String COLUMNS = """
            id, kind, name, include_globs, exclude_globs, forks, archived, hook_id, seeded, created_at,
            last_discovered_at, last_outcome, last_error, last_found, last_registered, mirror_mode,
            branches_include, branches_exclude, tags_include, tags_exclude""";

    private static final String INSERT = """
            INSERT INTO sources (kind, name, include_globs, exclude_globs, forks, archived, hook_id, seeded,
                                 mirror_mode, branches_include, branches_exclude, tags_include, tags_exclude)
            VALUES (:kind, :name, :include, :exclude, :forks, :archived, :hookId, :seeded,
                    :mirrorMode, CAST(:branchesInclude AS text[]), CAST(:branchesExclude AS text[]),
                    CAST(:tagsInclude AS text[]), CAST(:tagsExclude AS text[]))
            ON CONFLICT (kind, lower(name)) DO NOTHING
            RETURNING\s""" + COLUMNS;

    private static final String BY_KIND_AND_NAME =
            "SELECT " + COLUMNS + " FROM sources WHERE kind = :kind AND lower(name) = lower(:name)";

    private static final String ALL = "SELECT " + COLUMNS + " FROM sources ORDER BY id";

    private static final String DELETE = "DELETE FROM sources WHERE id = :id";

    private static final String RECORD = """
            UPDATE sources SET last_discovered_at = NOW(), last_outcome = :outcome, last_error = :error,
                               last_found = :found, last_registered = :registered
            WHERE id = :id""";

    private final JdbcClient jdbc;

    SourceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The new source, or empty when one of the same kind and name exists. */
    public Optional<Source> add(NewSource source, boolean seeded) {
        MirrorPolicy policy = source.policy();
        return jdbc.sql(INSERT)
                .param("mirrorMode", policy.mirrorMode(), Types.VARCHAR)
                .param("branchesInclude", array(policy.branchesInclude()), Types.ARRAY)
                .param("branchesExclude", array(policy.branchesExclude()), Types.ARRAY)
                .param("tagsInclude", array(policy.tagsInclude()), Types.ARRAY)
                .param("tagsExclude", array(policy.tagsExclude()), Types.ARRAY)
                .param("kind", source.kind().dbValue())
                .param("name", source.name())
                .param("include", new SqlArrayValue("text", source.include().toArray()))
                .param("exclude", new SqlArrayValue("text", source.exclude().toArray()))
                .param("forks", source.forks())
                .param("archived", source.archived())
                .param("hookId", source.hookId(), Types.BIGINT)
                .param("seeded", seeded)
                .query(SourceStore::row).optional();
    }

    public Optional<Source> find(SourceKind kind, String name) {
        return jdbc.sql(BY_KIND_AND_NAME).param("kind", kind.dbValue()).param("name", name)
                .query(SourceStore::row).optional();
    }

    public List<Source> all() {
        return jdbc.sql(ALL).query(SourceStore::row).list();
    }

    public boolean delete(long id) {
        return jdbc.sql(DELETE).param("id", id).update() == 1;
    }

    /** The outcome of a discovery pass over one source; {@code error} null when it succeeded. */
    public void recordPass(long id, String error, int found, int registered) {
        jdbc.sql(RECORD).param("id", id).param("outcome", error == null ? "ok" : "failed")
                .param("error", error, Types.VARCHAR).param("found", found).param("registered", registered)
                .update();
    }

    private static Source row(ResultSet rs, int n) throws SQLException {
        long hook = rs.getLong("hook_id");
        Long hookId = rs.wasNull() ? null : hook;
        int found = rs.getInt("last_found");
        Integer lastFound = rs.wasNull() ? null : found;
        int registered = rs.getInt("last_registered");
        Integer lastRegistered = rs.wasNull() ? null : registered;
        MirrorPolicy policy = MirrorPolicy.of(rs.getString("mirror_mode"), nullable(rs.getArray("branches_include")),
                nullable(rs.getArray("branches_exclude")), nullable(rs.getArray("tags_include")),
                nullable(rs.getArray("tags_exclude")));
        return new Source(rs.getLong("id"), SourceKind.parse(rs.getString("kind")), rs.getString("name"),
                strings(rs.getArray("include_globs")), strings(rs.getArray("exclude_globs")), rs.getBoolean("forks"),
                rs.getBoolean("archived"), hookId, rs.getBoolean("seeded"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_discovered_at")), rs.getString("last_outcome"),
                rs.getString("last_error"), lastFound, lastRegistered, policy.mirrorMode(), policy.refs());
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> strings = nullable(array);
        return strings == null ? List.of() : strings;
    }

    /** NULL stays null: a policy column that keeps the global setting. */
    private static List<String> nullable(Array array) throws SQLException {
        return array == null ? null : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    private static SqlArrayValue array(List<String> globs) {
        return globs == null ? null : new SqlArrayValue("text", globs.toArray());
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
