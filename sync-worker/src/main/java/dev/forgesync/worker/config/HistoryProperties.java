package dev.forgesync.worker.config;

import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which refs are mirrored and what happens to a destination ref's history (README "Vault and exact mode"). Bound
 * beside {@link MirrorProperties} under {@code forgesync.mirror}; transport settings live there, ref policy here.
 *
 * @param mode            {@code FORGESYNC_MIRROR_MODE}: {@code vault} (default) keeps every tip a force-push or a
 *                        deletion would make unreachable under {@code forgesync/archive/<name>/<UTC timestamp>};
 *                        {@code exact} makes the destination a strict copy of the source
 * @param branchesInclude globs ({@code *} within a segment, {@code **} across) of branch names to mirror; empty = all
 * @param branchesExclude globs of branch names never mirrored (wins over include)
 * @param tagsInclude     globs of tag names to mirror; empty = all
 * @param tagsExclude     globs of tag names never mirrored (wins over include)
 */
@Validated
@ConfigurationProperties("forgesync.mirror")
public record HistoryProperties(
        @NotNull @DefaultValue("vault") MirrorMode mode,
        @NotNull @DefaultValue({}) List<String> branchesInclude,
        @NotNull @DefaultValue({}) List<String> branchesExclude,
        @NotNull @DefaultValue({}) List<String> tagsInclude,
        @NotNull @DefaultValue({}) List<String> tagsExclude) {

    /** Every branch and tag, with the given mode. */
    public static HistoryProperties all(MirrorMode mode) {
        return new HistoryProperties(mode, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * These settings with a source's overrides (README "Per-source settings"): each non-null argument replaces the
     * setting of the same name.
     */
    public HistoryProperties overriddenBy(MirrorMode mode, List<String> branchesInclude, List<String> branchesExclude,
                                          List<String> tagsInclude, List<String> tagsExclude) {
        return new HistoryProperties(mode == null ? this.mode : mode,
                branchesInclude == null ? this.branchesInclude : branchesInclude,
                branchesExclude == null ? this.branchesExclude : branchesExclude,
                tagsInclude == null ? this.tagsInclude : tagsInclude,
                tagsExclude == null ? this.tagsExclude : tagsExclude);
    }

    public boolean vault() {
        return mode == MirrorMode.VAULT;
    }
}
