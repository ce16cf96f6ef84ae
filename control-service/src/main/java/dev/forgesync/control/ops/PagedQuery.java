package dev.forgesync.control.ops;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A filtered, ordered SELECT run twice: once counted, once for the requested page. Filters are named parameters
 * that may be null ({@code CAST(:p AS type) IS NULL OR ...}), so each query is one fixed text.
 */
final class PagedQuery {

    private final MapSqlParameterSource params = new MapSqlParameterSource();

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

    PagedQuery bool(String name, boolean value) {
        params.addValue(name, value, Types.BOOLEAN);
        return this;
    }

    <T> Page<T> run(JdbcClient jdbc, String orderedSelect, RowMapper<T> mapper, OpsParams.PageRequest page) {
        long total = jdbc.sql("SELECT COUNT(*) FROM (" + orderedSelect + ") AS matching").paramSource(params)
                .query(Long.class).single();
        MapSqlParameterSource paged = new MapSqlParameterSource(params.getValues());
        for (String name : params.getParameterNames()) {
            paged.registerSqlType(name, params.getSqlType(name));
        }
        paged.addValue("limit", page.size()).addValue("offset", page.offset());
        List<T> items = jdbc.sql(orderedSelect + "\nLIMIT :limit OFFSET :offset").paramSource(paged).query(mapper).list();
        return new Page<>(items, page.page(), page.size(), total);
    }
}
