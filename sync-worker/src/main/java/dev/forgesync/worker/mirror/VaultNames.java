package dev.forgesync.worker.mirror;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The one prefix the vault keeps tips under, inside the namespaces OneDev shows (its branch and tag lists): a
 * branch's tip goes to {@code refs/heads/forgesync/archive/<branch>/<UTC timestamp>}, a tag's to
 * {@code refs/tags/forgesync/archive/<tag>/<UTC timestamp>} (the tag object itself, so an annotated tag keeps its
 * message). Two tips of one ref archived in the same second get the second one's short id appended.
 */
public final class VaultNames {

    /** The prefix, relative to {@code refs/heads/} or {@code refs/tags/}. */
    public static final String PREFIX = "forgesync/archive/";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private VaultNames() {
    }

    static boolean isArchive(String ref) {
        return ref.startsWith(Constants.R_HEADS + PREFIX) || ref.startsWith(Constants.R_TAGS + PREFIX);
    }

    /** The archive ref for {@code ref}'s tip {@code oldTip}, not among {@code taken}. */
    static String archiveFor(String ref, ObjectId oldTip, Instant at, Set<String> taken) {
        String namespace = ref.startsWith(Constants.R_TAGS) ? Constants.R_TAGS : Constants.R_HEADS;
        String base = namespace + PREFIX + ref.substring(namespace.length()) + "/" + STAMP.format(at);
        return taken.contains(base) ? base + "-" + oldTip.abbreviate(10).name() : base;
    }
}
