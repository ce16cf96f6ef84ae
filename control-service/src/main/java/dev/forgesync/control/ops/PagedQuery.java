package dev.forgesync.control.ops;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A filtered, ordered SELECT run twice: once counted up to a limit, once for the requested page (one row more than
 * the page, to know whether another follows). Filters are named parameters that may be null
 * ({@code CAST(:p AS type) IS NULL OR ...}), so each query is one fixed text. Cursor parameters (keyset paging) narrow
 * the page query only: the count is always of every match of the filters.
 */
final class PagedQuery {

    private final MapSqlParameterSource params = new MapSqlParameterSource();
    private final MapSqlParameterSource cursor = new MapSqlParameterSource();

    PagedQuery text(String name, String value) {
        params.addValue(name, value, Types.VARCHAR);
        return this;
    }

    PagedQuery time(String name, OffsetDateTime value) {
        params.addValue(name, value, Types.TIMESTAMP_WITH_TIMEZONE);
        return this;
    }

    PagedQuery id(String name, Long value) {
        params.addValue(name, value, Types.BIGINT);
        return this;
    }

    PagedQuery flag(String name, Boolean value) {
        params.addValue(name, value, Types.BOOLEAN);
        return this;
    }

    PagedQuery bool(String name, boolean value) {
        params.addValue(name, value, Types.BOOLEAN);
        return this;
    }

    /** Keyset position {@code (afterAt, afterId)}: both null when the list starts at its beginning. */
    PagedQuery after(OpsParams.Cursor after) {
        cursor.addValue("afterAt", after == null ? null : after.at(), Types.TIMESTAMP_WITH_TIMEZONE);
        cursor.addValue("afterId", after == null ? null : after.id(), Types.BIGINT);
        return this;
    }

    <T> Page<T> run(JdbcClient jdbc, String orderedSelect, RowMapper<T> mapper, OpsParams.PageRequest page) {
        return run(jdbc, orderedSelect, mapper, page, null);
    }

    /** {@code cursorOf}: the {@code after} value of a row, or null when the list has no keyset order. */
    <T> Page<T> run(JdbcClient jdbc, String orderedSelect, RowMapper<T> mapper, OpsParams.PageRequest page,
            Function<T, String> cursorOf) {
        long counted = jdbc.sql("SELECT COUNT(*) FROM (" + orderedSelect + "\nLIMIT :countLimit) AS matching")
                .paramSource(with(withoutCursor()).addValue("countLimit", page.countLimit() + 1L))
                .query(Long.class).single();
        MapSqlParameterSource paged = with(cursor).addValue("limit", page.size() + 1)
                .addValue("offset", page.offset());
        List<T> rows = jdbc.sql(orderedSelect + "\nLIMIT :limit OFFSET :offset").paramSource(paged).query(mapper).list();
        boolean hasMore = rows.size() > page.size();
        List<T> items = hasMore ? rows.subList(0, page.size()) : rows;
        boolean capped = counted > page.countLimit();
        String next = hasMore && cursorOf != null ? cursorOf.apply(items.get(items.size() - 1)) : null;
        return new Page<>(List.copyOf(items), page.page(), page.size(), capped ? page.countLimit() : counted, capped,
                hasMore, next);
    }

    private MapSqlParameterSource withoutCursor() {
        MapSqlParameterSource none = new MapSqlParameterSource();
        for (String name : cursor.getParameterNames()) {
            none.addValue(name, null, cursor.getSqlType(name));
        }
        return none;
    }

    private MapSqlParameterSource with(MapSqlParameterSource extra) {
        MapSqlParameterSource all = new MapSqlParameterSource();
        for (MapSqlParameterSource source : List.of(params, extra)) {
            for (String name : source.getParameterNames()) {
                all.addValue(name, source.getValue(name), source.getSqlType(name));
            }
        }
        return all;
    }
}
