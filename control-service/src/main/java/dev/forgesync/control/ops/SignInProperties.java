package dev.forgesync.control.ops;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Wrong tokens per client address ({@link SignInThrottle}): the ops API's bearer header and the status page's
 * sign-in form count together. The address is the connection's; behind a reverse proxy set
 * {@code server.forward-headers-strategy=native} so it is the client's, not the proxy's.
 *
 * @param enabled           refuse an address after too many wrong tokens
 * @param maxFailures       wrong tokens one address may send within {@code window}; the next request is answered
 *                          429 with {@code Retry-After} until the oldest of them leaves the window
 * @param window            how long a wrong token counts against its address
 * @param trackedAddresses  addresses remembered at most (least recently seen are forgotten first)
 */
@Validated
@ConfigurationProperties("forgesync.ops.sign-in")
public record SignInProperties(
        @DefaultValue("true") boolean enabled,
        @Min(1) @DefaultValue("10") int maxFailures,
        @NotNull @DefaultValue("5m") Duration window,
        @Min(1) @DefaultValue("10000") int trackedAddresses) {
}
