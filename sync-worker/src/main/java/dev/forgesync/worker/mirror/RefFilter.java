package dev.forgesync.worker.mirror;

import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.jgit.lib.Constants;

import dev.forgesync.worker.config.HistoryProperties;

/**
 * Which refs are mirrored: branches and tags that pass the include/exclude globs ({@code *} within a segment,
 * {@code **} across segments, as OneDev's own patterns), never anything under the archive prefix (those are the
 * vault's, at the destination only) and never anything outside {@code refs/heads/*} and {@code refs/tags/*}
 * ({@code refs/pull/*} stays out).
 */
final class RefFilter {

    private final List<Pattern> branchesInclude;
    private final List<Pattern> branchesExclude;
    private final List<Pattern> tagsInclude;
    private final List<Pattern> tagsExclude;

    RefFilter(HistoryProperties history) {
        this.branchesInclude = compile(history.branchesInclude());
        this.branchesExclude = compile(history.branchesExclude());
        this.tagsInclude = compile(history.tagsInclude());
        this.tagsExclude = compile(history.tagsExclude());
    }

    /** True for a full ref name ({@code refs/heads/main}) that this mirror copies. */
    boolean mirrors(String ref) {
        if (ref.endsWith("^{}") || VaultNames.isArchive(ref)) {
            return false;
        }
        if (ref.startsWith(Constants.R_HEADS)) {
            return passes(ref.substring(Constants.R_HEADS.length()), branchesInclude, branchesExclude);
        }
        if (ref.startsWith(Constants.R_TAGS)) {
            return passes(ref.substring(Constants.R_TAGS.length()), tagsInclude, tagsExclude);
        }
        return false;
    }

    private static boolean passes(String name, List<Pattern> include, List<Pattern> exclude) {
        boolean included = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(name).matches());
        return included && exclude.stream().noneMatch(p -> p.matcher(name).matches());
    }

    private static List<Pattern> compile(List<String> globs) {
        return globs.stream().filter(g -> !g.isBlank()).map(RefFilter::glob).toList();
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
