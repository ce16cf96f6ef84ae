package dev.forgesync.control.github;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Answers kept with their ETag, by URL, in {@code github_etags} (V11), so the next request for the URL is conditional
 * ({@code If-None-Match}) and a 304 (free against the rate limit) is served from here, also after a restart. The
 * body is stored gzip-compressed. Bounded: beyond {@code capacity} rows the least recently used go first, trimmed
 * every {@code capacity / 200} writes (so the table holds at most 0.5% more: a trim at 20,000 rows took 5 to 8 ms
 * on a loaded 2-core machine, a write of a 100-repository page about 2.5 ms with the trims spread over it). The URL is the only key: the client never puts a token in a URL, and no header is
 * stored.
 */
final class EtagStore {

    record Entry(String etag, String body, String next) {
    }

    private static final String TOUCH = """
            UPDATE github_etags SET used_at = NOW() WHERE url = :url RETURNING etag, body, next_url""";
    private static final String UPSERT = """
            INSERT INTO github_etags (url, etag, body, next_url, used_at) VALUES (:url, :etag, :body, :next, NOW())
            ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, body = EXCLUDED.body, next_url = EXCLUDED.next_url,
                                            used_at = EXCLUDED.used_at""";
    private static final String TRIM = """
            DELETE FROM github_etags WHERE url IN (
                SELECT url FROM github_etags ORDER BY used_at DESC OFFSET :capacity)""";

    private static final Logger log = LoggerFactory.getLogger(EtagStore.class);
    private final JdbcClient jdbc;
    private final int capacity;
    private final int trimEvery;
    private final AtomicLong writes = new AtomicLong();

    EtagStore(DataSource dataSource, int capacity) {
        this.jdbc = JdbcClient.create(dataSource);
        this.capacity = capacity;
        this.trimEvery = Math.max(1, capacity / 200);
    }

    /**
     * The stored answer for {@code url}, which counts as a use of it; none when the database cannot be read (the
     * request is then made unconditionally: the store saves rate limit, it is never a reason to fail one).
     */
    Optional<Entry> get(String url) {
        try {
            return jdbc.sql(TOUCH).param("url", url).query((rs, n) -> new Entry(rs.getString("etag"),
                    gunzip(rs.getBytes("body")), rs.getString("next_url"))).optional();
        } catch (DataAccessException e) {
            unavailable(e);
            return Optional.empty();
        }
    }

    /** Keeps (or replaces) the answer for {@code url}; now and then drops the least recently used beyond capacity. */
    void put(String url, Entry entry) {
        try {
            jdbc.sql(UPSERT).param("url", url).param("etag", entry.etag()).param("body", gzip(entry.body()))
                    .param("next", entry.next()).update();
            if (writes.incrementAndGet() % trimEvery == 0) {
                jdbc.sql(TRIM).param("capacity", capacity).update();
            }
        } catch (DataAccessException e) {
            unavailable(e);
        }
    }

    private static void unavailable(DataAccessException e) {
        log.warn("github_etags unavailable, GitHub is asked without If-None-Match: {}",
                e.getMostSpecificCause().getClass().getSimpleName());
    }

    private static byte[] gzip(String body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] stored) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
