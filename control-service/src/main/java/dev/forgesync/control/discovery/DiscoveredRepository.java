package dev.forgesync.control.discovery;

import tools.jackson.databind.JsonNode;

/** A repository as GitHub's REST API lists it (the fields registration needs). */
record DiscoveredRepository(long githubRepoId, String fullName, String owner, String name, String htmlUrl,
                            String defaultBranch, boolean isPrivate, boolean fork, boolean archived, Integer sizeKb) {

    static DiscoveredRepository of(JsonNode repo) {
        JsonNode size = repo.path("size");
        return new DiscoveredRepository(repo.get("id").asLong(), repo.get("full_name").asString(),
                repo.path("owner").path("login").asString(), repo.get("name").asString(),
                repo.get("html_url").asString(), repo.path("default_branch").asString(null),
                repo.path("private").asBoolean(false), repo.path("fork").asBoolean(false),
                repo.path("archived").asBoolean(false), size.isNumber() ? size.asInt() : null);
    }
}
