package dev.forgesync.worker.mirror;

import org.eclipse.jgit.storage.file.WindowCacheConfig;

import dev.forgesync.worker.config.GitProperties;

/**
 * JGit's process-wide settings, installed once per distinct {@link GitProperties} (every {@link GitMirror} of the
 * process asks; the window cache is only rebuilt when the settings change).
 *
 * <p>The profile behind them (docs/benchmarks.md, sync-worker): on a first fetch, JGit's collision-detecting SHA-1
 * was about 70% of the worker's CPU while indexing the received pack; on a push, reading the cache's pack through
 * JGit's default 10 MB of 8 KB windows re-read it several times over.
 */
final class JGitSettings {

    /** JGit reads this system property on every new SHA-1 (org.eclipse.jgit.util.sha1.SHA1#newInstance). */
    static final String SHA1_IMPLEMENTATION = "org.eclipse.jgit.util.sha1.implementation";

    private static GitProperties installed;

    private JGitSettings() {
    }

    static synchronized void install(GitProperties settings) {
        if (settings.equals(installed)) {
            return;
        }
        WindowCacheConfig cache = new WindowCacheConfig();
        cache.setPackedGitLimit(settings.packCache().toBytes());
        cache.setPackedGitWindowSize(Math.toIntExact(settings.packWindow().toBytes()));
        cache.setDeltaBaseCacheLimit(Math.toIntExact(settings.deltaBaseCache().toBytes()));
        cache.install();
        System.setProperty(SHA1_IMPLEMENTATION, settings.sha1CollisionDetection() ? "java" : "jdkNative");
        installed = settings;
    }
}
