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
 *
 * <p>A private GitHub repository goes under {@code private-path-template}. OneDev's REST body carries no access
 * setting (onedev-api.md §3.1, {@code defaultRoleId} is gone since 11.11), so who may read a project is what is
 * granted on it or inherited from its ancestors; a separate root that forgesync creates and grants nothing on keeps
 * private mirrors private even when an operator opens the public tree to everyone. A repository that turns private
 * (or public) moves between the two trees on its next sync, keeping its project id.
 */
final class OneDevDestination implements Destination {

    private final OneDevClient client;
    private final OneDevProperties properties;

    OneDevDestination(OneDevClient client, OneDevProperties properties) {
        this.client = client;
        this.properties = properties;
        // A template that cannot make a valid path stops the worker here, not every sync later.
        OneDevNames.pathSegments(properties.pathTemplate(), "owner", "repo");
        OneDevNames.pathSegments(properties.privatePathTemplate(), "owner", "repo");
    }

    @Override
    public PreparedDestination prepare(RepositoryRow repository) {
        String template = repository.privateRepository() ? properties.privatePathTemplate() : properties.pathTemplate();
        List<String> path = OneDevNames.pathSegments(template, repository.owner(), repository.name());
        OneDevProject project = client.ensureProject(path, repository.oneDevProjectId());
        PushTarget target = PushTarget.http(project.gitUrl(), properties.user(), properties.token());
        return new PreparedDestination(target, Optional.of(project));
    }

    /**
     * The project says what it mirrors ({@code Mirror of <GitHub URL>}, GitHub's archived flag, GitHub's own
     * description) and its default branch follows GitHub's, once that branch was pushed.
     */
    @Override
    public List<String> present(PreparedDestination prepared, RepositoryRow repository, String defaultBranch) {
        if (prepared.project().isEmpty()) {
            return List.of();
        }
        OneDevProject project = prepared.project().get();
        long id = project.id();
        List<String> changed = new java.util.ArrayList<>();
        if (client.describe(project, description(repository))) {
            changed.add("description");
        }
        if (defaultBranch != null && client.defaultBranch(id, defaultBranch)) {
            changed.add("defaultBranch");
        }
        return changed;
    }

    static String description(RepositoryRow repository) {
        String url = repository.githubUrl() != null ? repository.githubUrl()
                : "https://github.com/" + repository.fullName();
        StringBuilder out = new StringBuilder("Mirror of ").append(url);
        if (repository.archived()) {
            out.append(" (archived on GitHub: read-only there)");
        }
        if (repository.description() != null && !repository.description().isBlank()) {
            out.append("\n\n").append(repository.description().strip());
        }
        return out.toString();
    }

    @Override
    public String kind() {
        return "onedev";
    }
}
