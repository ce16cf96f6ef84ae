package dev.forgesync.worker.mirror;

/**
 * A fetch into the cache: bytes read from the source (HTTP bodies, so a no-op fetch is only the ref advertisement),
 * the refs the source has, its default branch when the source advertises a HEAD that exists, and whether the fetched
 * pack was relayed to the primary destination as it arrived (a first mirror, FirstMirrorRelay).
 */
public record FetchOutcome(long bytesFetched, int branches, int tags, String defaultBranch, int refsChanged,
                           boolean relayed) {

    public FetchOutcome(long bytesFetched, int branches, int tags, String defaultBranch, int refsChanged) {
        this(bytesFetched, branches, tags, defaultBranch, refsChanged, false);
    }
}
