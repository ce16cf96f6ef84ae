package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * The per-repository bare caches under one folder ({@code <dir>/<owner>/<repo>.git}), bounded in size: after a
 * sync, the least recently used caches beyond the limit are deleted (a later sync of them fetches everything
 * again). A cache in use is never evicted.
 */
final class MirrorCache {

    private static final Logger log = LoggerFactory.getLogger(MirrorCache.class);
    private static final String LAST_USED = "forgesync-last-used";

    private final Path root;
    private final long maxBytes;
    private final ConcurrentHashMap<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

    MirrorCache(Path root, long maxBytes) {
        this.root = PrivateDirectory.prepare(root);
        this.maxBytes = maxBytes;
    }

    Path dirFor(String fullName) {
        return root.resolve(fullName.toLowerCase(java.util.Locale.ROOT) + ".git");
    }

    /** Locks the cache of {@code fullName} against eviction and marks it used; close the lease when done. */
    Lease use(String fullName) {
        Path dir = dirFor(fullName);
        ReentrantLock lock = locks.computeIfAbsent(dir, d -> new ReentrantLock());
        lock.lock();
        return new Lease(dir, lock);
    }

    final class Lease implements AutoCloseable {
        final Path dir;
        private final ReentrantLock lock;

        private Lease(Path dir, ReentrantLock lock) {
            this.dir = dir;
            this.lock = lock;
        }

        void touch() {
            try {
                Path marker = dir.resolve(LAST_USED);
                if (Files.isDirectory(dir)) {
                    if (!Files.exists(marker)) {
                        Files.createFile(marker);
                    }
                    Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            lock.unlock();
        }
    }

    /** Deletes least recently used caches, never {@code keep}, until the total is within the limit. */
    void evictBeyondLimit(Path keep) {
        List<Entry> entries = caches();
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        entries.sort(Comparator.comparing(Entry::lastUsed));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                return;
            }
            if (e.dir().equals(keep)) {
                continue;
            }
            ReentrantLock lock = locks.computeIfAbsent(e.dir(), d -> new ReentrantLock());
            if (lock.tryLock()) {
                try {
                    FileSystemUtils.deleteRecursively(e.dir());
                    total -= e.bytes();
                    log.info("evicted mirror cache {} ({} bytes) to stay within {} bytes", e.dir(), e.bytes(), maxBytes);
                } catch (IOException ex) {
                    log.warn("could not evict mirror cache {}: {}", e.dir(), ex.toString());
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private record Entry(Path dir, long bytes, FileTime lastUsed) {
    }

    private List<Entry> caches() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> owners = Files.list(root)) {
            for (Path owner : owners.filter(Files::isDirectory).toList()) {
                try (Stream<Path> repos = Files.list(owner)) {
                    repos.filter(p -> p.getFileName().toString().endsWith(".git")).forEach(p -> out.add(entry(p)));
                }
            }
        } catch (IOException e) {
            log.warn("could not list mirror caches under {}: {}", root, e.toString());
        }
        return out;
    }

    private static Entry entry(Path dir) {
        try {
            long bytes = bytesUnder(dir);
            Path marker = dir.resolve(LAST_USED);
            FileTime used = Files.exists(marker) ? Files.getLastModifiedTime(marker) : FileTime.fromMillis(0);
            return new Entry(dir, bytes, used);
        } catch (IOException e) {
            return new Entry(dir, 0, FileTime.fromMillis(0));
        }
    }

    /**
     * Bytes of the regular files under {@code dir}. Files may vanish while it walks (JGit's background gc removes
     * {@code gc.log.lock}, a fetch replaces a pack): those are skipped, never a failure of the sync closing its
     * session (Files.walk threw an UncheckedIOException there).
     */
    private static long bytesUnder(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
