package dev.forgesync.worker.destination;

import java.util.Optional;

import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.onedev.OneDevProject;

/** Where to push, and the OneDev project behind it when the destination is OneDev. */
public record PreparedDestination(PushTarget target, Optional<OneDevProject> project) {
}
