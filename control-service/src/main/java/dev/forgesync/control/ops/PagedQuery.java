package dev.forgesync.control.ops;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A filtered, ordered SELECT run twice: once counted up to a limit, once for the requested page (one row more than
 * the page, to know whether another follows). Each filter given a value adds its condition to the statement; one
 * given null adds nothing. So every combination of filters is a statement of its own, whose plan (also the generic
 * plan PostgreSQL settles on for a prepared statement after five runs) can use the indexes of the filters present: a
 * catch-all {@code (CAST(:p AS text) IS NULL OR col = :p)} statement shared by all combinations had a generic plan
 * that read every row (docs/benchmarks.md, "Status page at scale"). The keyset cursor narrows the page query only:
 * the count is always of every match of the filters.
 */
final class PagedQuery {

    private final MapSqlParameterSource params = new MapSqlParameterSource();
    private final List<String> conditions = new ArrayList<>();
    private final MapSqlParameterSource cursor = new MapSqlParameterSource();
    private String cursorCondition;

    /** {@code condition} (naming {@code :name}) when {@code value} is not null. */
    PagedQuery text(String name, String value, String condition) {
        return filter(name, value, Types.VARCHAR, condition);
    }

    PagedQuery time(String name, OffsetDateTime value, String condition) {
        return filter(name, value, Types.TIMESTAMP_WITH_TIMEZONE, condition);
    }

    PagedQuery id(String name, Long value, String condition) {
        return filter(name, value, Types.BIGINT, condition);
    }

    PagedQuery flag(String name, Boolean value, String condition) {
        return filter(name, value, Types.BOOLEAN, condition);
    }

    /** A parameter the SELECT itself names (no condition of its own). */
    PagedQuery bind(String name, long value) {
        params.addValue(name, value, Types.BIGINT);
        return this;
    }

    PagedQuery bind(String name, String value) {
        params.addValue(name, value, Types.VARCHAR);
        return this;
    }

    /** Keyset position {@code (:afterAt, :afterId)} in {@code condition}, for the page only; null: the beginning. */
    PagedQuery after(OpsParams.Cursor after, String condition) {
        if (after != null) {
            cursor.addValue("afterAt", after.at(), Types.TIMESTAMP_WITH_TIMEZONE);
            cursor.addValue("afterId", after.id(), Types.BIGINT);
            cursorCondition = condition;
        }
        return this;
    }

    private PagedQuery filter(String name, Object value, int sqlType, String condition) {
        if (value != null) {
            params.addValue(name, value, sqlType);
            conditions.add(condition);
        }
        return this;
    }

    /** {@code select} ends in its WHERE clause (at least {@code WHERE TRUE}); {@code order} is its ORDER BY list. */
    <T> Page<T> run(JdbcClient jdbc, String select, String order, RowMapper<T> mapper, OpsParams.PageRequest page) {
        return run(jdbc, select, order, mapper, page, null);
    }

    /** {@code cursorOf}: the {@code after} value of a row, or null when the list has no keyset order. */
    <T> Page<T> run(JdbcClient jdbc, String select, String order, RowMapper<T> mapper, OpsParams.PageRequest page,
            Function<T, String> cursorOf) {
        String pageSql = select + narrowing() + "\nORDER BY " + order + "\nLIMIT :limit OFFSET :offset";
        return countAndPage(jdbc, select, pageSql, page, mapper, cursorOf);
    }

    /**
     * As {@link #run}, with a page statement of its own where the plain {@code select ... ORDER BY ... LIMIT} reads
     * too much: {@code pageStatement} has one {@code %s} where the conditions and the cursor go (each as
     * {@code AND ...}), and names {@code :limit} (page size + 1), {@code :offset} and, if it needs it,
     * {@code :offsetPlusLimit} (their sum: the most rows a page can take from any one part of the matches). It must
     * return the rows {@code select} ordered and paged would. The count is {@code select}'s, as in {@link #run}.
     */
    <T> Page<T> runWithPage(JdbcClient jdbc, String select, String pageStatement, RowMapper<T> mapper,
            OpsParams.PageRequest page, Function<T, String> cursorOf) {
        return countAndPage(jdbc, select, pageStatement.formatted(narrowing()), page, mapper, cursorOf);
    }

    private <T> Page<T> countAndPage(JdbcClient jdbc, String select, String pageSql, OpsParams.PageRequest page,
            RowMapper<T> mapper, Function<T, String> cursorOf) {
        String countSql = "SELECT COUNT(*) FROM (" + select + and(conditions) + "\nLIMIT :countLimit) AS matching";
        long counted = jdbc.sql(countSql)
                .paramSource(with(new MapSqlParameterSource()).addValue("countLimit", page.countLimit() + 1L))
                .query(Long.class).single();
        MapSqlParameterSource paged = with(cursor).addValue("limit", page.size() + 1)
                .addValue("offset", page.offset()).addValue("offsetPlusLimit", page.offset() + page.size() + 1);
        List<T> rows = jdbc.sql(pageSql).paramSource(paged).query(mapper).list();
        boolean hasMore = rows.size() > page.size();
        List<T> items = hasMore ? rows.subList(0, page.size()) : rows;
        boolean capped = counted > page.countLimit();
        String next = hasMore && cursorOf != null ? cursorOf.apply(items.get(items.size() - 1)) : null;
        return new Page<>(List.copyOf(items), page.page(), page.size(), capped ? page.countLimit() : counted, capped,
                hasMore, next);
    }

    /** The conditions of the filters given, then the cursor's: what narrows the page. */
    private String narrowing() {
        return and(conditions) + (cursorCondition == null ? "" : and(List.of(cursorCondition)));
    }

    private static String and(List<String> conditions) {
        StringBuilder sql = new StringBuilder();
        conditions.forEach(condition -> sql.append("\n  AND ").append(condition));
        return sql.toString();
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
