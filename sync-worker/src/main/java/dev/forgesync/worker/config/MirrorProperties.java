package dev.forgesync.worker.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The local bare caches and how refs are mirrored.
 *
 * @param cacheDir        {@code FORGESYNC_MIRROR_CACHE_DIR}: one bare repository per source; one folder per instance,
 *                        created {@code 0700}; an existing one must belong to the worker's user, is narrowed to
 *                        {@code 0700}, and if others could write into it, it must be empty (a fresh mount)
 * @param cacheMaxSize    beyond this the least recently used caches are deleted (the next sync refetches them)
 * @param mirrorDeletions delete destination branches and tags that the source no longer has
 * @param ioTimeout       JGit's per-read/write network timeout
 */
@Validated
@ConfigurationProperties("forgesync.mirror")
public record MirrorProperties(
        @NotNull @DefaultValue("${user.home}/.cache/forgesync/mirror-cache") Path cacheDir,
        @NotNull @DefaultValue("10GB") DataSize cacheMaxSize,
        @DefaultValue("false") boolean mirrorDeletions,
        @NotNull @DefaultValue("5m") Duration ioTimeout) {
}
