package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.forgesync.control.ops.OpsParams.Cursor;
import dev.forgesync.control.ops.OpsParams.PageRequest;
import dev.forgesync.control.ops.OpsViews.Activity;
import dev.forgesync.testsupport.TestDatabase;

/**
 * {@link OpsQueries#OWNER_ACTIVITY_PAGE} answers what the plain statement answers: for every combination of the
 * filters eventType, status, since and until, page by page (by offset and by cursor), row for row, with the generic
 * and with the custom plans PostgreSQL may choose for a prepared statement (and with sorts in place of index
 * scans), on a database of several owners whose
 * repositories' rows interleave in time and tie on created_at within and across repositories.
 */
class OwnerActivityIT {

    static final TestDatabase DB = TestDatabase.create("owner_activity");
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    static final String[] EVENTS = {"sync_started", "clone_completed", "sync_completed", "sync_failed"};
    /** Smaller than a repository's rows, so each repository's probe is cut short on every page. */
    static final int PAGE_SIZE = 3;

    @BeforeAll
    static void severalOwnersWithInterleavedAndTiedTimestamps() {
        DB.migrate();
        OpsData data = new OpsData(JdbcClient.create(DB.dataSource()));
        Random random = new Random(12);
        List<String> repositories = List.of("acme/a", "acme/b", "acme/c", "acme/d", "other/a", "other/e", "solo/x");
        for (String repository : repositories) {
            long id = data.repository(repository, "completed");
            for (int row = 0; row < 12; row++) {
                String event = EVENTS[random.nextInt(EVENTS.length)];
                // 20 distinct minutes for 84 rows: many ties on created_at.
                data.log(id, event, status(event), NOW.minus(random.nextInt(20), ChronoUnit.MINUTES));
            }
        }
        // Whole pages of one instant, in one repository and across two: only the id orders them.
        for (String repository : List.of("tied/t", "tied/u")) {
            long id = data.repository(repository, "completed");
            for (int row = 0; row < (repository.endsWith("t") ? 8 : 3); row++) {
                data.log(id, "sync_started", "in_progress", NOW.minus(10, ChronoUnit.MINUTES));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-c plan_cache_mode=force_generic_plan", "-c plan_cache_mode=force_custom_plan",
            "-c plan_cache_mode=force_generic_plan -c enable_indexscan=off -c enable_bitmapscan=off"})
    void ownerPagesEqualThePlainStatementsForEveryCombinationOfFilters(String session) throws SQLException {
        try (Connection connection = connect(session)) {
            OpsQueries queries = new OpsQueries(JdbcClient.create(new SingleConnectionDataSource(connection, true)));
            assertThat(byCursor(queries, new Filters("acme", null, null, null, null), true)).as("48 rows, 3 a page")
                    .hasSize(16).allSatisfy(page -> assertThat(page.items()).hasSize(PAGE_SIZE));
            for (int combination = 0; combination < 16; combination++) {
                String eventType = (combination & 1) == 0 ? null : "sync_started";
                String status = (combination & 2) == 0 ? null : "in_progress";
                OffsetDateTime since = (combination & 4) == 0 ? null : at(15);
                OffsetDateTime until = (combination & 8) == 0 ? null : at(4);
                for (String owner : List.of("acme", "other", "solo", "tied", "nobody")) {
                    Filters filters = new Filters(owner, eventType, status, since, until);
                    assertThat(byCursor(queries, filters, true)).as("by cursor: %s, %s", filters, session)
                            .isEqualTo(byCursor(queries, filters, false));
                    assertThat(byOffset(queries, filters, true)).as("by offset: %s, %s", filters, session)
                            .isEqualTo(byOffset(queries, filters, false));
                }
            }
        }
    }

    /** Every page by cursor, from the owner statement ({@code owned}) or the plain one. */
    private static List<Page<Activity>> byCursor(OpsQueries queries, Filters filters, boolean owned) {
        List<Page<Activity>> pages = new ArrayList<>();
        Cursor after = null;
        do {
            pages.add(page(queries, filters, owned, after, new PageRequest(0, PAGE_SIZE, 1000)));
            after = OpsParams.timeCursor(pages.get(pages.size() - 1).nextCursor());
        } while (after != null);
        return pages;
    }

    private static List<Page<Activity>> byOffset(OpsQueries queries, Filters filters, boolean owned) {
        List<Page<Activity>> pages = new ArrayList<>();
        do {
            pages.add(page(queries, filters, owned, null, new PageRequest(pages.size(), PAGE_SIZE, 1000)));
        } while (pages.get(pages.size() - 1).hasMore());
        return pages;
    }

    private static Page<Activity> page(OpsQueries queries, Filters f, boolean owned, Cursor after, PageRequest page) {
        return owned ? queries.activity(null, f.owner(), f.eventType(), f.status(), f.since(), f.until(), after, page)
                : queries.plainActivity(null, f.owner(), f.eventType(), f.status(), f.since(), f.until(), after, page);
    }

    /**
     * One session, server-side prepared from the first run, so {@code plan_cache_mode} decides every plan; without
     * index scans the order of rows tied on created_at is the sorts' alone, not the index's (id DESC).
     */
    private static Connection connect(String options) throws SQLException {
        PGSimpleDataSource dataSource = (PGSimpleDataSource) DB.dataSource();
        dataSource.setPrepareThreshold(1);
        dataSource.setOptions(options);
        return dataSource.getConnection();
    }

    private static String status(String event) {
        return event.equals("sync_failed") ? "failure" : event.endsWith("started") ? "in_progress" : "success";
    }

    private static OffsetDateTime at(int minutesAgo) {
        return NOW.minus(minutesAgo, ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC);
    }

    private record Filters(String owner, String eventType, String status, OffsetDateTime since, OffsetDateTime until) {
    }
}
