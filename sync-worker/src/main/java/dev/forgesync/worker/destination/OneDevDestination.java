package dev.forgesync.worker.destination;

import java.util.Optional;

import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.OneDevProperties;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.onedev.OneDevClient;
import dev.forgesync.worker.onedev.OneDevProject;

/** OneDev: the project is found or created over REST, then pushed to over git smart HTTP with the same token. */
final class OneDevDestination implements Destination {

    private final OneDevClient client;
    private final OneDevProperties properties;

    OneDevDestination(OneDevClient client, OneDevProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    @Override
    public PreparedDestination prepare(RepositoryRow repository) {
        OneDevProject project = client.ensureProject(repository.owner(), repository.name());
        PushTarget target = PushTarget.http(project.gitUrl(), properties.user(), properties.token());
        return new PreparedDestination(target, Optional.of(project));
    }

    @Override
    public String kind() {
        return "onedev";
    }
}
