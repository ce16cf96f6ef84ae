package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jgit.storage.file.WindowCacheConfig;
import org.eclipse.jgit.util.sha1.SHA1;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.forgesync.worker.config.GitProperties;

class JGitSettingsTest {

    @AfterEach
    void backToTheDefaults() {
        JGitSettings.install(GitProperties.defaults());
    }

    @Test
    void hashesWithTheJdkSha1UnlessCollisionDetectionIsAskedFor() {
        JGitSettings.install(GitProperties.defaults());
        assertThat(SHA1.newInstance().getClass().getSimpleName()).isEqualTo("SHA1Native");

        JGitSettings.install(new GitProperties(DataSize.ofMegabytes(96), DataSize.ofKilobytes(64),
                DataSize.ofMegabytes(32), true, 0, true));
        assertThat(SHA1.newInstance().getClass().getSimpleName()).isEqualTo("SHA1Java");
    }

    @Test
    void theDefaultsGiveJGitMoreThanItsOwnTenMegabytesOfPackWindows() {
        GitProperties defaults = GitProperties.defaults();

        assertThat(defaults.packCache().toBytes()).isGreaterThan(new WindowCacheConfig().getPackedGitLimit());
        assertThat(defaults.deltaBaseCache().toBytes()).isGreaterThan(new WindowCacheConfig().getDeltaBaseCacheLimit());
    }
}
