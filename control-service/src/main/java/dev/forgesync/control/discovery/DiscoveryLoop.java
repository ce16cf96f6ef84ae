package dev.forgesync.control.discovery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import dev.forgesync.control.sources.NewSource;
import dev.forgesync.control.sources.SourceStore;
import dev.forgesync.requests.relay.DedicatedLoop;

/**
 * Seeds {@code FORGESYNC_SOURCES} at start-up and runs a discovery pass every interval, under a PostgreSQL advisory
 * lock so one control-service instance runs a pass at a time (the others skip it). A thread of its own: a pass may
 * wait out GitHub's rate limit without holding up other scheduled work.
 */
@Component
class DiscoveryLoop extends DedicatedLoop {

    /** The advisory lock's key, shared by every control-service instance ("fsdiscov" as ASCII). */
    static final long LOCK_KEY = 0x6673646973636f76L;
    private static final Logger log = LoggerFactory.getLogger(DiscoveryLoop.class);

    private final DiscoveryProperties properties;
    private final DiscoveryProperties.Seeds seeds;
    private final SourceStore sources;
    private final DiscoveryPass pass;
    private final DataSource dataSource;
    private volatile boolean seeded;

    DiscoveryLoop(DiscoveryProperties properties, DiscoveryProperties.Seeds seeds, SourceStore sources,
                  DiscoveryPass pass, DataSource dataSource) {
        super("discovery", properties.initialDelay(), properties.interval());
        this.properties = properties;
        this.seeds = seeds;
        this.sources = sources;
        this.pass = pass;
        this.dataSource = dataSource;
    }

    /**
     * Creates the configured sources that do not exist yet; an invalid entry stops start-up with its reason. With the
     * database down it is tried again before the first pass (once done, a source an operator deleted stays deleted).
     */
    void seed() {
        List<NewSource> parsed = seeds.sources().stream().filter(e -> !e.isBlank())
                .map(e -> NewSource.parse(e.trim())).toList();
        try {
            parsed.forEach(source -> sources.add(source, true).ifPresent(s -> log.info(
                    "source {}:{} seeded from FORGESYNC_SOURCES", s.kind().dbValue(), s.name())));
            seeded = true;
        } catch (DataAccessException e) {
            log.warn("FORGESYNC_SOURCES not seeded yet (database unavailable): {}", e.getMessage());
        }
    }

    /** One pass if no other instance is running one; empty when skipped. */
    List<DiscoveryPass.Outcome> runOnce() {
        if (!seeded) {
            seed();
        }
        try (Connection lock = dataSource.getConnection()) {
            if (!advisory(lock, "SELECT pg_try_advisory_lock(?)")) {
                log.info("discovery pass skipped: another instance holds advisory lock {}", LOCK_KEY);
                return List.of();
            }
            try {
                return pass.run();
            } finally {
                advisory(lock, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            log.warn("discovery pass skipped: database unavailable: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    protected void run() {
        runOnce();
    }

    /** Seeds always; passes run only when discovery is enabled. */
    @Override
    public void start() {
        seed();
        if (properties.enabled()) {
            super.start();
        }
    }

    private static boolean advisory(Connection connection, String sql) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setLong(1, LOCK_KEY);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
