package dev.forgesync.worker.config;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * JGit's process-wide settings (its pack window cache and SHA-1 implementation are shared by every sync of the worker).
 *
 * @param packCache              JGit's {@code core.packedGitLimit}: heap kept for windows of pack files read by fetches
 *                               and pushes (JGit's own default is 10 MB, which re-reads a large pack many times over)
 * @param packWindow             JGit's {@code core.packedGitWindowSize}: how much of a pack one read brings in
 * @param deltaBaseCache         JGit's {@code core.deltaBaseCacheLimit}: heap kept for inflated delta bases
 * @param sha1CollisionDetection hash with JGit's collision-detecting SHA-1 (pure Java, most of a first fetch's CPU)
 *                               instead of the JDK's; GitHub already refuses colliding objects, and the destination
 *                               hashes every pushed object again (git and JGit servers detect collisions by default)
 * @param warmUpCommits          commits of a generated repository the worker fetches and pushes once at start-up,
 *                               before its first sync, so that the JIT has compiled JGit's pack code by then (a fresh
 *                               worker's first mirror of gson took 7.0 s, a warm worker's 3.3 s); 0 turns it off
 * @param relayFirstMirror       a first mirror into an empty OneDev repository sends the source's pack on as it is
 *                               fetched, in one pass (0.87-0.94x of git's clone --mirror + push --mirror on gson,
 *                               petclinic and jgit); off, the pack is fetched whole, then pushed
 */
@Validated
@ConfigurationProperties("forgesync.git")
public record GitProperties(
        @NotNull @DefaultValue("96MB") DataSize packCache,
        @NotNull @DefaultValue("64KB") DataSize packWindow,
        @NotNull @DefaultValue("32MB") DataSize deltaBaseCache,
        @DefaultValue("false") boolean sha1CollisionDetection,
        @PositiveOrZero @DefaultValue("1000") int warmUpCommits,
        @DefaultValue("true") boolean relayFirstMirror) {

    /** The defaults above, for code that builds a mirror without Spring, which does not warm up. */
    public static GitProperties defaults() {
        return new GitProperties(DataSize.ofMegabytes(96), DataSize.ofKilobytes(64), DataSize.ofMegabytes(32), false,
                0, true);
    }
}
