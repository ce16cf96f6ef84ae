package dev.forgesync.control.freshness;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import dev.forgesync.githubauth.GithubAuthException;
import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.githubauth.GithubTarget;

/**
 * Reads a repository's refs the way {@code git ls-remote} does over smart HTTP: one
 * {@code GET <base>/<owner>/<repo>.git/info/refs?service=git-upload-pack} (git's http-protocol documentation), the
 * token (a configured one, or the installation access token of a GitHub App for the repository's owner) as Basic
 * credentials in a header (user {@code x-access-token}), never in the URL. Redirects are not followed.
 */
final class RefAdvertisement {

    /** The refs (name to object id), or the status that kept them from being read. */
    record Result(int status, Map<String, String> refs) {
        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient http;
    private final URI base;
    private final GithubCredentials credentials;
    private final Duration timeout;

    RefAdvertisement(URI base, GithubCredentials credentials, Duration timeout) {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
        this.base = base;
        this.credentials = credentials;
        this.timeout = timeout;
    }

    Result read(String fullName) throws IOException, InterruptedException {
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/" + fullName
                + ".git/info/refs?service=git-upload-pack");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("User-Agent", "git/2.39 forgesync-control");
        String token;
        try {
            token = credentials.token(GithubTarget.repository(fullName));
        } catch (GithubAuthException e) {
            if (e.status() == 401 || e.status() == 403) {
                return new Result(e.status(), Map.of());
            }
            throw new IOException("no GitHub credentials for " + fullName + ": " + e.getMessage());
        }
        if (token != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            return new Result(response.statusCode(), Map.of());
        }
        return new Result(200, parse(new ByteArrayInputStream(response.body())));
    }

    /**
     * The pkt-lines of a smart HTTP advertisement: {@code # service=git-upload-pack}, a flush, then
     * {@code <id> SP <name> [NUL capabilities] LF} per ref, then a flush.
     */
    static Map<String, String> parse(InputStream in) throws IOException {
        Map<String, String> refs = new HashMap<>();
        int flushes = 0;
        while (flushes < 2) {
            byte[] header = in.readNBytes(4);
            if (header.length < 4) {
                break;
            }
            int length = Integer.parseInt(new String(header, StandardCharsets.US_ASCII), 16);
            if (length == 0) {
                flushes++;
                continue;
            }
            String line = new String(in.readNBytes(length - 4), StandardCharsets.UTF_8);
            if (line.startsWith("#")) {
                continue;
            }
            int nul = line.indexOf('\0');
            String ref = (nul >= 0 ? line.substring(0, nul) : line).strip();
            int space = ref.indexOf(' ');
            if (space == 40 || space == 64) {
                refs.put(ref.substring(space + 1), ref.substring(0, space));
            }
        }
        return refs;
    }
}
