package dev.forgesync.worker.mirror;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder only this process's user may enter. Whoever can write into the mirror cache can steer a fetch (a
 * repository's config names remotes, http settings, hooks), so a cache folder another user could have prepared is
 * refused: a missing one is created {@code 0700}; an existing one must belong to this user, and is narrowed to
 * {@code 0700}; one that others could write into is used only if it is empty (a fresh mount, whose root is often
 * {@code 1777}): narrowing first, then finding it empty, proves nobody else put anything in it. A link is judged by
 * the folder it leads to. Where the file system has no unix attributes the checks are skipped.
 */
final class PrivateDirectory {

    private static final Logger log = LoggerFactory.getLogger(PrivateDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {
    }

    /** Creates {@code dir} or checks it; throws {@link IllegalStateException} when it is not safe to use. */
    static Path prepare(Path dir) {
        try {
            if (!dir.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                return Files.createDirectories(dir);
            }
            if (!Files.exists(dir, NOFOLLOW_LINKS)) {
                return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            Path real = dir.toRealPath();
            requireOwnDirectory(real);
            boolean wasShared = writableByOthers(real);
            narrow(real);
            if (wasShared && !isEmpty(real)) {
                throw new IllegalStateException("the mirror cache folder " + dir + " was writable by other users and"
                        + " is not empty: refusing to use what they may have put there (it is rwx------ now)");
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the mirror cache folder " + dir + ": " + e, e);
        }
    }

    private static void requireOwnDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the mirror cache folder " + dir + " is not a directory");
        }
        Object owner = Files.getAttribute(dir, "unix:uid");
        Object self = ownUid(dir);
        if (!owner.equals(self)) {
            throw new IllegalStateException("the mirror cache folder " + dir + " belongs to uid " + owner
                    + ", not to this process (uid " + self + "): refusing to use it");
        }
    }

    private static boolean writableByOthers(Path dir) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        return permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** This process's uid, as the owner of a file it has just created in {@code dir}. */
    private static Object ownUid(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".forgesync-owner-", ".probe");
        try {
            return Files.getAttribute(probe, "unix:uid");
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void narrow(Path dir) throws IOException {
        if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            log.info("mirror cache folder {} narrowed to rwx------", dir);
        }
    }
}
