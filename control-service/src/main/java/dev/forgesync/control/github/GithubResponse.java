package dev.forgesync.control.github;

import tools.jackson.databind.JsonNode;

/**
 * One answer of GitHub's REST API, read.
 *
 * @param status      the HTTP status (a 304 is given as 200 with the stored body, {@code notModified} true)
 * @param body        the JSON body (a missing node for an empty one)
 * @param notModified the body is the stored one: GitHub answered 304 to {@code If-None-Match}
 * @param next        the {@code rel="next"} URL of the {@code Link} header, or null on the last page
 */
public record GithubResponse(int status, JsonNode body, boolean notModified, String next) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
