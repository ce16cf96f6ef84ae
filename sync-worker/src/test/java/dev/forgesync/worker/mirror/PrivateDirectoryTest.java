package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror cache folder is private to the worker's user, and a folder someone else could have prepared is refused. */
class PrivateDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void createsTheCacheFolderAndItsMissingParentsWithOnlyTheOwnerAllowedIn() throws Exception {
        Path cache = dir.resolve("state/forgesync/mirror-cache");

        PrivateDirectory.prepare(cache);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
    }

    @Test
    void narrowsAnOwnReadableFolderToTheOwner() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));

        PrivateDirectory.prepare(cache);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
    }

    @Test
    void refusesAFolderOtherUsersCouldWriteAndPutSomethingIn() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Files.createDirectories(cache.resolve("octo/repo.git"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> PrivateDirectory.prepare(cache))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was writable by other users");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
    }

    @Test
    void takesAnEmptyFolderOthersCouldWriteLikeAFreshMountAndNarrowsIt() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

        PrivateDirectory.prepare(cache);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
    }

    @Test
    void refusesAFolderAnotherUserOwns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a folder away");
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(cache, "unix:uid", 65534);

        assertThatThrownBy(() -> PrivateDirectory.prepare(cache))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to uid 65534");
    }

    @Test
    void aLinkIsJudgedByTheFolderItLeadsTo() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createDirectory(elsewhere.resolve("planted"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path cache = Files.createSymbolicLink(dir.resolve("cache"), elsewhere);

        assertThatThrownBy(() -> PrivateDirectory.prepare(cache)).isInstanceOf(IllegalStateException.class);
    }
}
