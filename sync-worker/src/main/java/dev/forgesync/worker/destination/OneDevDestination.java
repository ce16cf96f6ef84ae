package dev.forgesync.worker.destination;

import java.util.List;
import java.util.Optional;

import dev.forgesync.worker.claim.RepositoryRow;
import dev.forgesync.worker.config.OneDevProperties;
import dev.forgesync.worker.mirror.PushTarget;
import dev.forgesync.worker.onedev.OneDevClient;
import dev.forgesync.worker.onedev.OneDevNames;
import dev.forgesync.worker.onedev.OneDevProject;

/**
 * OneDev: the repository's project (the stored one, moved to the path the template now gives, or else the one found
 * or created at that path) over REST, then pushed to over git smart HTTP with the same token.
 */
final class OneDevDestination implements Destination {

    private final OneDevClient client;
    private final OneDevProperties properties;

    OneDevDestination(OneDevClient client, OneDevProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    @Override
    public PreparedDestination prepare(RepositoryRow repository) {
        List<String> path = OneDevNames.pathSegments(properties.pathTemplate(), repository.owner(), repository.name());
        OneDevProject project = client.ensureProject(path, repository.oneDevProjectId());
        PushTarget target = PushTarget.http(project.gitUrl(), properties.user(), properties.token());
        return new PreparedDestination(target, Optional.of(project));
    }

    @Override
    public String kind() {
        return "onedev";
    }
}
