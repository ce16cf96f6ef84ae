package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.util.Collection;

import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * The git protocol a cache fetches its source with, remembered in the cache's own config ({@code protocol.version},
 * git's key: an operator may set it, and then it is kept as set).
 *
 * <p>Protocol v0 answers every ref in the one {@code GET info/refs}; when the cache already has every tip, JGit asks
 * nothing more, so a no-op sync is one request. Protocol v2 needs two ({@code GET info/refs} for the capabilities,
 * then {@code POST ls-refs}), but lists only {@code refs/heads/} and {@code refs/tags/}. A source whose advertisement
 * is large (GitHub's {@code refs/pull/*}, Gerrit's {@code refs/changes/*}: jgit advertises 47,000 refs) is worth the
 * second round trip, so a cache starts with v0 and switches to v2 for good once its source advertised more than
 * {@link #LARGE_ADVERTISEMENT}.
 */
final class SourceProtocol {

    /**
     * Measured (docs/benchmarks.md, sync-worker, no-op rows), as this class counts them: google/gson advertises
     * 1,604 refs (about 102 KiB), spring-petclinic 2,136 (135 KiB), eclipse-jgit/jgit 47,434 (3.2 MiB). On a quiet
     * machine a v0 no-op took 35 ms on gson and 46 ms on petclinic (one request) and 256 ms on jgit, where v2 took
     * 69 ms and 36 KB instead of 1.4 MB: the limit sits well above the first two, which keep the single request the
     * no-op goal asks for (and save a round trip to GitHub), and well below jgit, which goes v2.
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
