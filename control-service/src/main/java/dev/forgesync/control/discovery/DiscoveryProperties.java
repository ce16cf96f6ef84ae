package dev.forgesync.control.discovery;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Discovery: every {@code interval}, each source is listed on GitHub and repositories not yet known are registered
 * and requested (trigger {@code discovered}).
 *
 * @param enabled      run the loop
 * @param interval     {@code FORGESYNC_DISCOVERY_INTERVAL}: pause between two passes
 * @param initialDelay the first pass, after start-up
 */
@Validated
@ConfigurationProperties("forgesync.discovery")
public record DiscoveryProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("10m") Duration interval,
        @NotNull @DefaultValue("15s") Duration initialDelay) {

    public DiscoveryProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("forgesync.discovery.interval must be positive");
        }
    }

    /**
     * Sources created at start-up when missing.
     *
     * @param sources {@code FORGESYNC_SOURCES}: {@code <kind>:<name>} entries, comma-separated
     *                ({@code org:acme,starred:octocat,repository:acme/widget}); an invalid one stops start-up
     */
    @ConfigurationProperties("forgesync")
    public record Seeds(@DefaultValue("") List<String> sources) {
    }
}
