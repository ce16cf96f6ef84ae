package dev.forgesync.worker.mirror;

import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import dev.forgesync.githubauth.GithubAuthException;
import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.githubauth.GithubTarget;

/**
 * The source's credentials for one fetch, asked for when the fetch starts (so a retry or a later fetch of a long sync
 * gets a GitHub App token renewed in time): {@code x-access-token} with the token, as GitHub documents for both
 * tokens and installation access tokens, or none for anonymous access.
 */
final class SourceCredentials {

    private final GithubCredentials credentials;
    private final String fullName;

    SourceCredentials(GithubCredentials credentials, String fullName) {
        this.credentials = credentials;
        this.fullName = fullName;
    }

    CredentialsProvider provider() {
        String token;
        try {
            token = credentials.token(GithubTarget.repository(fullName));
        } catch (GithubAuthException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw GitFailure.authRejected("GitHub (" + credentials.describe() + "): " + e.getMessage(), null);
            }
            throw GitFailure.transfer("no GitHub credentials for " + fullName + ": " + e.getMessage(), null);
        }
        return token == null ? null : new UsernamePasswordCredentialsProvider("x-access-token", token);
    }
}
