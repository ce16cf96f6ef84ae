package dev.forgesync.worker.config;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The OneDev server mirrors go to. Without {@code url} the worker mirrors into a local directory instead.
 *
 * @param url            {@code FORGESYNC_ONEDEV_URL}, e.g. {@code https://onedev.example.com}; empty = no OneDev
 * @param user           login name sent with the token in Basic auth (OneDev ignores it when the token matches)
 * @param token          {@code FORGESYNC_ONEDEV_TOKEN}, an access token; never logged or stored
 * @param pathTemplate   project path, {@code {owner}} and {@code {repo}} replaced by sanitised names
 * @param privatePathTemplate project path of a private GitHub repository; by default a root of its own that forgesync
 *                       creates and grants nothing on, so only administrators and the token's owner can read it even
 *                       when the public tree is opened to everyone; set it to {@code pathTemplate} to mirror private
 *                       repositories beside public ones
 * @param connectTimeout TCP connect limit of REST calls
 * @param requestTimeout whole-response limit of one REST call
 */
@Validated
@ConfigurationProperties("forgesync.onedev")
public record OneDevProperties(
        URI url,
        @NotBlank @DefaultValue("forgesync") String user,
        String token,
        @NotBlank @DefaultValue("github/{owner}/{repo}") String pathTemplate,
        @NotBlank @DefaultValue("github-private/{owner}/{repo}") String privatePathTemplate,
        @NotNull @DefaultValue("10s") Duration connectTimeout,
        @NotNull @DefaultValue("30s") Duration requestTimeout) {

    public boolean configured() {
        return url != null && !url.toString().isBlank();
    }

    @Override
    public String toString() {
        return "OneDevProperties[url=" + url + ", user=" + user + ", token=" + (token == null ? "none" : "****")
                + ", pathTemplate=" + pathTemplate + ", privatePathTemplate=" + privatePathTemplate + "]";
    }
}
