package dev.forgesync.worker.destination;

import dev.forgesync.worker.claim.RepositoryRow;

/** A place mirrors are pushed to: OneDev, or a folder of bare repositories. */
public interface Destination {

    /** Makes sure the destination can take the repository's refs (project created if missing) and says where. */
    PreparedDestination prepare(RepositoryRow repository);

    /** Short name for logs and metrics: {@code onedev}, {@code local}. */
    String kind();
}
