package dev.forgesync.ingest.github;

/** What a {@code star} {@code deleted} event does: keep mirroring (default) or stop syncing the repository. */
public enum StarDeletedPolicy {
    KEEP,
    STOP
}
