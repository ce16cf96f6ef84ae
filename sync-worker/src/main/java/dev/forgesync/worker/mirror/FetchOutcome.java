package dev.forgesync.worker.mirror;

/**
 * A fetch into the cache: bytes read from the source (HTTP bodies, so a no-op fetch is only the ref advertisement),
 * the refs the source has, and its default branch when the source advertises a HEAD that exists.
 */
public record FetchOutcome(long bytesFetched, int branches, int tags, String defaultBranch, int refsChanged) {
}
