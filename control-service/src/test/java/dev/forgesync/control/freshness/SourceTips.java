package dev.forgesync.control.freshness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import dev.forgesync.testsupport.github.GithubApiStandIn;

/** What the freshness tests record as pushed: a source's refs now, read over HTTP as a worker reads them. */
final class SourceTips {

    private SourceTips() {
    }

    /** The tips of {@code fullName}, read with the stand-in's own token where it has one (private repositories). */
    static Map<String, String> of(GithubApiStandIn github, String fullName) {
        try {
            Map<String, String> tips = new HashMap<>();
            LsRemoteCommand lsRemote = Git.lsRemoteRepository().setRemote(github.baseUri() + "/" + fullName + ".git");
            if (github.token() != null) {
                lsRemote.setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token",
                        github.token()));
            }
            for (Ref ref : lsRemote.call()) {
                tips.put(ref.getName(), ref.getObjectId().getName());
            }
            return tips;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A folder for a stand-in's repositories. */
    static Path tempDir() {
        try {
            return Files.createTempDirectory("github-standin-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
