package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's bookkeeping stays small: locks only while used, and one cache measured per sync. */
class MirrorCacheTest {

    @TempDir
    Path dir;

    private final List<Path> measured = new ArrayList<>();

    @Test
    void keepsNoLockForACacheNobodyUses() {
        MirrorCache cache = new MirrorCache(dir.resolve("cache"), Long.MAX_VALUE);

        for (int i = 0; i < 1_000; i++) {
            try (MirrorCache.Lease lease = cache.use("octo/repo-" + i)) {
                assertThat(cache.lockCount()).isEqualTo(1);
            }
        }

        assertThat(cache.lockCount()).isZero();
    }

    @Test
    void afterTheFirstScanEachSyncMeasuresOnlyTheCacheItUsed() throws IOException {
        MirrorCache cache = new MirrorCache(dir.resolve("cache"), Long.MAX_VALUE, this::measure);
        for (int i = 0; i < 50; i++) {
            fakeCache(cache, "octo/repo-" + i, 10);
        }
        sync(cache, "octo/repo-0");
        assertThat(measured).hasSize(50);
        measured.clear();

        for (int i = 0; i < 20; i++) {
            sync(cache, "octo/repo-" + i);
        }

        assertThat(measured).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void evictsTheLeastRecentlyUsedButNeverACacheInUse() throws Exception {
        MirrorCache cache = new MirrorCache(dir.resolve("cache"), 2_500);
        Path oldest = fakeCache(cache, "octo/oldest", 1_000);
        sync(cache, "octo/oldest");
        Path old = fakeCache(cache, "octo/old", 1_000);
        sync(cache, "octo/old");
        Path recent = fakeCache(cache, "octo/recent", 1_000);
        sync(cache, "octo/recent");
        assertThat(oldest).doesNotExist();
        assertThat(old).exists();

        Path big = fakeCache(cache, "octo/big", 1_000);
        ExecutorService otherWorker = Executors.newSingleThreadExecutor();
        try {
            MirrorCache.Lease busy = otherWorker.submit(() -> cache.use("octo/old")).get();
            sync(cache, "octo/big");
            otherWorker.submit(busy::close).get();
        } finally {
            otherWorker.shutdown();
        }

        assertThat(old).exists();
        assertThat(recent).doesNotExist();
        assertThat(big).exists();
        assertThat(cache.lockCount()).isZero();
    }

    private long measure(Path cacheDir) {
        measured.add(cacheDir);
        return MirrorCache.bytesUnder(cacheDir);
    }

    private static Path fakeCache(MirrorCache cache, String fullName, int bytes) throws IOException {
        Path cacheDir = Files.createDirectories(cache.dirFor(fullName));
        Files.write(cacheDir.resolve("pack"), new byte[bytes]);
        return cacheDir;
    }

    /** What a session does for the cache: lease, fetch (touch), release, then evict beyond the limit. */
    private static void sync(MirrorCache cache, String fullName) {
        Path used;
        try (MirrorCache.Lease lease = cache.use(fullName)) {
            lease.touch();
            used = lease.dir;
        }
        cache.evictBeyondLimit(used);
    }
}
