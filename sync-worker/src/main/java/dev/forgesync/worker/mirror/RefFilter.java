package dev.forgesync.worker.mirror;

import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.jgit.lib.Constants;

import dev.forgesync.worker.config.HistoryProperties;

/**
 * Which refs are mirrored: branches and tags that pass the include/exclude globs ({@code *} within a segment,
 * {@code **} across segments, as OneDev's own patterns), never anything under the archive prefix (those are the
 * vault's, at the destination only) and never anything outside {@code refs/heads/*} and {@code refs/tags/*}
 * ({@code refs/pull/*} stays out). With several policies (a repository in several sources) a ref is mirrored when
 * any of them mirrors it: the union keeps every ref some source asked for.
 */
final class RefFilter {

    private record Globs(List<Pattern> branchesInclude, List<Pattern> branchesExclude, List<Pattern> tagsInclude,
                         List<Pattern> tagsExclude) {

        Globs(HistoryProperties history) {
            this(compile(history.branchesInclude()), compile(history.branchesExclude()),
                    compile(history.tagsInclude()), compile(history.tagsExclude()));
        }

        boolean pass(String ref) {
            if (ref.startsWith(Constants.R_HEADS)) {
                return passes(ref.substring(Constants.R_HEADS.length()), branchesInclude, branchesExclude);
            }
            return passes(ref.substring(Constants.R_TAGS.length()), tagsInclude, tagsExclude);
        }
    }

    private final List<Globs> policies;

    RefFilter(HistoryProperties history) {
        this(List.of(history));
    }

    RefFilter(List<HistoryProperties> policies) {
        this.policies = policies.stream().map(Globs::new).toList();
    }

    /** True for a full ref name ({@code refs/heads/main}) that this mirror copies. */
    boolean mirrors(String ref) {
        if (ref.endsWith("^{}") || VaultNames.isArchive(ref)) {
            return false;
        }
        if (!ref.startsWith(Constants.R_HEADS) && !ref.startsWith(Constants.R_TAGS)) {
            return false;
        }
        return policies.stream().anyMatch(g -> g.pass(ref));
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
