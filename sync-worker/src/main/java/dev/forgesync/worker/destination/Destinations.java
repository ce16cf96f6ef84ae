package dev.forgesync.worker.destination;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.forgesync.worker.config.DestinationProperties;
import dev.forgesync.worker.config.OneDevProperties;
import dev.forgesync.worker.onedev.OneDevClient;

/**
 * The destinations of this worker: OneDev when {@code FORGESYNC_ONEDEV_URL} is set, otherwise the local folder
 * ({@code FORGESYNC_DESTINATION_LOCAL_DIR}); plus a local backup folder when {@code FORGESYNC_DESTINATION_BACKUP_DIR}
 * is set.
 */
@Component
public class Destinations {

    private static final Logger log = LoggerFactory.getLogger(Destinations.class);

    private final Destination primary;
    private final Optional<Destination> backup;

    public Destinations(OneDevProperties onedev, DestinationProperties local) {
        this.primary = onedev.configured()
                ? new OneDevDestination(new OneDevClient(onedev), onedev)
                : new LocalDirectoryDestination(local.localDir());
        this.backup = Optional.ofNullable(local.backupDir()).map(LocalDirectoryDestination::new);
        log.info("mirroring into {}{}", primary.kind(), backup.isPresent() ? " with a local backup" : "");
    }

    public Destination primary() {
        return primary;
    }

    public Optional<Destination> backup() {
        return backup;
    }
}
