package dev.forgesync.worker.onedev;

import java.net.URI;

/** A project found or made in OneDev: its id, full path, git URL and whether this call created it. */
public record OneDevProject(long id, String path, URI gitUrl, boolean created) {

    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
