package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * The per-repository bare caches under one private folder ({@code <dir>/<owner>/<repo>.git}), bounded in size:
 * after a sync, the least recently used caches beyond the limit are deleted (a later sync of them fetches everything
 * again). A cache in use is never evicted.
 *
 * <p>Costs stay bounded: the folder is measured once, then only the cache a sync just used is measured again (this
 * worker is the only writer of its folder, so the other sizes are still true); a lock exists only while a lease or
 * an eviction holds it, so memory follows the caches in use, not every repository ever synced.
 */
final class MirrorCache {

    private static final Logger log = LoggerFactory.getLogger(MirrorCache.class);
    private static final String LAST_USED = "forgesync-last-used";

    private final Path root;
    private final long maxBytes;
    private final ToLongFunction<Path> sizer;
    private final ConcurrentHashMap<Path, Holder> locks = new ConcurrentHashMap<>();
    /** Size and last use of every cache on disk; null until the first eviction scanned the folder. */
    private Map<Path, Entry> entries;

    MirrorCache(Path root, long maxBytes) {
        this(root, maxBytes, MirrorCache::bytesUnder);
    }

    MirrorCache(Path root, long maxBytes, ToLongFunction<Path> sizer) {
        this.root = PrivateDirectory.prepare(root);
        this.maxBytes = maxBytes;
        this.sizer = sizer;
    }

    Path dirFor(String fullName) {
        return root.resolve(fullName.toLowerCase(Locale.ROOT) + ".git");
    }

    /** Locks the cache of {@code fullName} against eviction and marks it used; close the lease when done. */
    Lease use(String fullName) {
        Path dir = dirFor(fullName);
        Holder holder = hold(dir);
        holder.lock.lock();
        return new Lease(dir, holder);
    }

    /** How many caches have a lock right now (held, or waited for). */
    int lockCount() {
        return locks.size();
    }

    /** A lock and how many leases or evictions use it; counted inside the map's per-key compute, removed at zero. */
    private static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private Holder hold(Path dir) {
        return locks.compute(dir, (d, h) -> {
            Holder holder = h == null ? new Holder() : h;
            holder.users++;
            return holder;
        });
    }

    private void letGo(Path dir) {
        locks.computeIfPresent(dir, (d, h) -> --h.users == 0 ? null : h);
    }

    final class Lease implements AutoCloseable {
        final Path dir;
        private final Holder holder;

        private Lease(Path dir, Holder holder) {
            this.dir = dir;
            this.holder = holder;
        }

        void touch() {
            try {
                Path marker = dir.resolve(LAST_USED);
                if (Files.isDirectory(dir)) {
                    if (!Files.exists(marker)) {
                        Files.createFile(marker);
                    }
                    Files.setLastModifiedTime(marker, FileTime.from(java.time.Instant.now()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            holder.lock.unlock();
            letGo(dir);
        }
    }

    /** Re-measures {@code keep} (just used), then deletes least recently used caches until within the limit. */
    void evictBeyondLimit(Path keep) {
        Entry kept = Files.isDirectory(keep) ? entry(keep) : null;
        synchronized (this) {
            Map<Path, Entry> all = entries(keep);
            if (kept == null) {
                all.remove(keep);
            } else {
                all.put(keep, kept);
            }
            evict(all, keep);
        }
    }

    private void evict(Map<Path, Entry> all, Path keep) {
        long total = all.values().stream().mapToLong(Entry::bytes).sum();
        List<Entry> oldestFirst = new ArrayList<>(all.values());
        oldestFirst.sort(Comparator.comparing(Entry::lastUsed));
        for (Entry e : oldestFirst) {
            if (total <= maxBytes) {
                return;
            }
            if (!e.dir().equals(keep) && delete(e)) {
                all.remove(e.dir());
                total -= e.bytes();
            }
        }
    }

    /** Deletes a cache nobody holds; false when it is in use or could not be deleted. */
    private boolean delete(Entry e) {
        Holder holder = hold(e.dir());
        try {
            if (!holder.lock.tryLock()) {
                return false;
            }
            try {
                FileSystemUtils.deleteRecursively(e.dir());
                log.info("evicted mirror cache {} ({} bytes) to stay within {} bytes", e.dir(), e.bytes(), maxBytes);
                return true;
            } catch (IOException ex) {
                log.warn("could not evict mirror cache {}: {}", e.dir(), ex.toString());
                return false;
            } finally {
                holder.lock.unlock();
            }
        } finally {
            letGo(e.dir());
        }
    }

    private record Entry(Path dir, long bytes, FileTime lastUsed) {
    }

    /** The known caches, measured once per process by walking the folder ({@code measured} is already known). */
    private Map<Path, Entry> entries(Path measured) {
        if (entries == null) {
            entries = new HashMap<>();
            for (Path dir : cacheDirs()) {
                if (!dir.equals(measured)) {
                    entries.put(dir, entry(dir));
                }
            }
        }
        return entries;
    }

    private List<Path> cacheDirs() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> owners = Files.list(root)) {
            for (Path owner : owners.filter(Files::isDirectory).toList()) {
                try (Stream<Path> repos = Files.list(owner)) {
                    repos.filter(p -> p.getFileName().toString().endsWith(".git")).forEach(out::add);
                }
            }
        } catch (IOException e) {
            log.warn("could not list mirror caches under {}: {}", root, e.toString());
        }
        return out;
    }

    private Entry entry(Path dir) {
        long bytes = sizer.applyAsLong(dir);
        try {
            Path marker = dir.resolve(LAST_USED);
            FileTime used = Files.exists(marker) ? Files.getLastModifiedTime(marker) : FileTime.fromMillis(0);
            return new Entry(dir, bytes, used);
        } catch (IOException e) {
            return new Entry(dir, bytes, FileTime.fromMillis(0));
        }
    }

    /**
     * Bytes of the regular files under {@code dir}. Files may vanish while it walks (JGit's background gc removes
     * {@code gc.log.lock}, a fetch replaces a pack): those are skipped, never a failure of the sync closing its
     * session (Files.walk threw an UncheckedIOException there).
     */
    static long bytesUnder(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not measure mirror cache {}: {}", dir, e.toString());
        }
        return total[0];
    }
}
