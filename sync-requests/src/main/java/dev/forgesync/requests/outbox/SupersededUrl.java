package dev.forgesync.requests.outbox;

import java.util.Collection;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * The rule for a GitHub URL that now names another repository (the one a row stands for was renamed or deleted on
 * GitHub, and a new repository took its name): the row that holds the URL gives it up, keeps its data and mirror, and
 * is marked stopped, so that the new repository can be registered under the URL ({@code github_url} is unique). Its
 * own repository's next event or discovery rewrites its names and resumes it. A delivery (ingest-service) and
 * discovery (control-service) both apply it through here.
 */
@Component
public class SupersededUrl {

    /** Why a row gave its URL up (the stopped mark in its metadata). */
    public static final String REASON = "its GitHub URL now names another repository (renamed or deleted on GitHub)";

    /** The URL stays readable and unique (ids are), under the column's 500 characters. */
    private static final String GIVE_UP = """
            UPDATE repositories
            SET github_url = LEFT(github_url, 440) || '#superseded-' || id,
                metadata = COALESCE(metadata, '{}'::jsonb)
                           || jsonb_build_object('sync_stopped', CAST(:reason AS text), 'sync_stopped_at', NOW())
            WHERE id = ANY(:ids)""";

    private final JdbcClient jdbc;

    public SupersededUrl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** These rows give their URLs up (in id order, so concurrent callers lock rows in the same order). */
    public void giveUp(Collection<Long> ids) {
        jdbc.sql(GIVE_UP).param("reason", REASON)
                .param("ids", new SqlArrayValue("integer", ids.stream().distinct().sorted().toArray())).update();
    }
}
