package dev.forgesync.ingest.github;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a payload's {@code repository} object says about the repository, in the columns of {@code repositories}.
 *
 * @param metadata a small JSON object of descriptive fields (description, language, archived, ...) for
 *                 {@code repositories.metadata}; serialised only when a row is written with it (a new or refreshed
 *                 repository), not for every push to a known one
 */
public record GithubRepository(
        long githubRepoId,
        String owner,
        String name,
        String fullName,
        String htmlUrl,
        String defaultBranch,
        boolean isPrivate,
        Integer sizeKb,
        ObjectNode metadata) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** {@link #metadata()} as JSON text. */
    public String metadataJson() {
        return JSON.writeValueAsString(metadata);
    }
}
