package dev.forgesync.worker.destination;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.mirror.PushTarget;

/** A folder of bare repositories, {@code <dir>/<owner>/<repo>.git}, created on first push. */
final class LocalDirectoryDestination implements Destination {

    private final Path root;

    LocalDirectoryDestination(Path root) {
        this.root = root.toAbsolutePath();
    }

    @Override
    public PreparedDestination prepare(RepositoryRow repository) {
        Path dir = root.resolve(repository.fullName().toLowerCase(Locale.ROOT) + ".git").normalize();
        if (!dir.startsWith(root)) {
            throw new IllegalArgumentException("repository name escapes the destination folder");
        }
        return new PreparedDestination(PushTarget.local(dir), Optional.empty());
    }

    @Override
    public String kind() {
        return "local";
    }
}
