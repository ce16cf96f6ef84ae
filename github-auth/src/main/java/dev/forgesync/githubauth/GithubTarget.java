package dev.forgesync.githubauth;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request to GitHub is about: an organisation, a user or one repository. A GitHub App is installed per
 * account, so the account ({@link #owner()}) picks the installation whose token the request carries; the kind picks
 * the documented endpoint that finds that installation ({@code GET /orgs/{org}/installation},
 * {@code GET /users/{username}/installation}, {@code GET /repos/{owner}/{repo}/installation}).
 *
 * @param kind  what is addressed
 * @param owner the account (organisation or user login)
 * @param repo  the repository name, for {@link Kind#REPOSITORY} only
 */
public record GithubTarget(Kind kind, String owner, String repo) {

    /** What a request addresses. */
    public enum Kind { ORG, USER, REPOSITORY }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern API_PATH =
            Pattern.compile("/(orgs|users|repos)/([A-Za-z0-9_.-]+)(?:/([A-Za-z0-9_.-]+))?(?:[/?].*)?");

    public GithubTarget {
        if (owner == null || !NAME.matcher(owner).matches() || (repo != null && !NAME.matcher(repo).matches())) {
            throw new IllegalArgumentException("not a GitHub account or repository name: " + owner
                    + (repo == null ? "" : "/" + repo));
        }
    }

    public static GithubTarget org(String org) {
        return new GithubTarget(Kind.ORG, org, null);
    }

    public static GithubTarget user(String user) {
        return new GithubTarget(Kind.USER, user, null);
    }

    /** {@code owner/repo}. */
    public static GithubTarget repository(String fullName) {
        int slash = fullName == null ? -1 : fullName.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a repository full name (owner/repo): " + fullName);
        }
        return new GithubTarget(Kind.REPOSITORY, fullName.substring(0, slash), fullName.substring(slash + 1));
    }

    /**
     * The target of a REST path relative to the API ({@code /orgs/acme/repos}, {@code /users/octocat/starred},
     * {@code /repos/acme/widget/hooks}); empty for paths that name no account ({@code /repositories/42}).
     */
    public static Optional<GithubTarget> ofApiPath(String path) {
        Matcher m = API_PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        return switch (m.group(1)) {
            case "orgs" -> Optional.of(org(m.group(2)));
            case "users" -> Optional.of(user(m.group(2)));
            default -> m.group(3) == null ? Optional.empty()
                    : Optional.of(new GithubTarget(Kind.REPOSITORY, m.group(2), m.group(3)));
        };
    }

    /** The account, lower case: one installation per account, so the key installations are cached under. */
    String account() {
        return owner.toLowerCase(Locale.ROOT);
    }

    /** The documented endpoint that answers this target's installation of the authenticated App. */
    String installationPath() {
        return switch (kind) {
            case ORG -> "/orgs/" + owner + "/installation";
            case USER -> "/users/" + owner + "/installation";
            case REPOSITORY -> "/repos/" + owner + "/" + repo + "/installation";
        };
    }

    @Override
    public String toString() {
        return repo == null ? owner : owner + "/" + repo;
    }
}
