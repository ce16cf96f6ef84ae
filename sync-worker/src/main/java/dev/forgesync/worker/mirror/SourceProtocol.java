package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.util.Collection;

import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * The git protocol a cache fetches its source with, remembered in the cache's own config ({@code protocol.version},
 * git's key: an operator may set it, and then it is kept as set).
 *
 * <p>A no-op sync does not depend on it: {@link SourceProbe} asks for branches and tags in one v2 request first, and
 * JGit's fetch runs only when something changed (or on a first mirror, or for a source that refused the probe).
 * This choice is for that fetch. Protocol v0 answers every ref in the one {@code GET info/refs}, then a
 * {@code POST} for the pack; v2 needs one request more ({@code GET info/refs} for the capabilities, {@code POST
 * ls-refs}, then the {@code POST} for the pack) but lists only {@code refs/heads/} and {@code refs/tags/}. A source
 * whose advertisement is large (GitHub's {@code refs/pull/*}, Gerrit's {@code refs/changes/*}: jgit advertises
 * 47,000 refs) is worth the extra round trip, so a cache starts with v0 and switches to v2 for good once its source
 * advertised more than {@link #LARGE_ADVERTISEMENT}. For a source that refused the probe, it is also what a no-op
 * costs: one request in v0, two in v2.
 */
final class SourceProtocol {

    /**
     * Measured on no-op fetches before the probe (docs/benchmarks.md, sync-worker, no-op rows), where the whole cost
     * is the ref listing, as this class counts advertisements: google/gson advertises 1,604 refs (about 102 KiB),
     * spring-petclinic 2,136 (135 KiB), eclipse-jgit/jgit 47,434 (3.2 MiB). On a quiet machine listing them took 35 ms
     * on gson and 46 ms on petclinic in v0 (one request) and 256 ms on jgit, where v2 took 69 ms and 36 KB instead of
     * 1.4 MB. A fetch that brings a change pays the same listing before its pack: the limit sits well above the first
     * two, which save v2's extra round trip (20-100 ms to GitHub), and well below jgit, which goes v2.
     */
    static final long LARGE_ADVERTISEMENT = 512 * 1024;
    /** A v0 advertisement line: pkt-line length (4), object id (40), space, name, newline. */
    private static final int LINE_OVERHEAD = 46;
    private static final String SECTION = "protocol";
    private static final String KEY = "version";

    private final StoredConfig config;
    private final boolean chosen;

    private SourceProtocol(StoredConfig config, boolean chosen) {
        this.config = config;
        this.chosen = chosen;
    }

    /** Sets the cache's protocol for this session's transports: the one its config names, else v0. */
    static SourceProtocol choose(StoredConfig config) {
        boolean chosen = config.getString(SECTION, null, KEY) != null;
        if (!chosen) {
            config.setString(SECTION, null, KEY, "0");
        }
        return new SourceProtocol(config, chosen);
    }

    /** After a v0 fetch: a large advertisement makes the cache fetch with v2 from the next sync on. */
    void learn(Collection<Ref> advertised) throws IOException {
        if (chosen) {
            return;
        }
        long bytes = 0;
        for (Ref ref : advertised) {
            bytes += ref.getName().length() + LINE_OVERHEAD;
        }
        if (bytes > LARGE_ADVERTISEMENT) {
            config.setString(SECTION, null, KEY, "2");
            config.save();
        }
    }
}
