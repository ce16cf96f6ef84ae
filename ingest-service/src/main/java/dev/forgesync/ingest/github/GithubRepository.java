package dev.forgesync.ingest.github;

/**
 * What a payload's {@code repository} object says about the repository, in the columns of {@code repositories}.
 *
 * @param metadataJson a small JSON object of descriptive fields (description, language, archived, ...) for
 *                     {@code repositories.metadata}
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
        String metadataJson) {
}
