package dev.forgesync.worker.destination;

import dev.forgesync.worker.claim.RepositoryRow;

/** A place mirrors are pushed to: OneDev, or a folder of bare repositories. */
public interface Destination {

    /** Makes sure the destination can take the repository's refs (project created if missing) and says where. */
    PreparedDestination prepare(RepositoryRow repository);

    /**
     * After a push: makes the destination show what GitHub says of the repository (default branch, description,
     * archived flag) where it can; returns what it changed, for the audit trail (empty when nothing did).
     */
    default java.util.List<String> present(PreparedDestination prepared, RepositoryRow repository,
                                           String defaultBranch) {
        return java.util.List.of();
    }

    /** Short name for logs and metrics: {@code onedev}, {@code local}. */
    String kind();
}
