package dev.forgesync.worker.onedev;

import java.net.URI;

/**
 * A project found, moved or made in OneDev: its id, full path, git URL, whether this call created it, the id of
 * the project it replaces when the repository's stored project was gone (null otherwise), and its description as
 * the call read it (null when it did not read the project, or the project has none).
 */
public record OneDevProject(long id, String path, URI gitUrl, boolean created, Long replacedProjectId,
                            String readDescription) {

    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    OneDevProject replacing(long goneProjectId) {
        return new OneDevProject(id, path, gitUrl, created, goneProjectId, readDescription);
    }
}
