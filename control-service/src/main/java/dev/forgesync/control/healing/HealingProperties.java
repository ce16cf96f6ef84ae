package dev.forgesync.control.healing;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Self-healing of missed webhooks: failed GitHub deliveries that never reached {@code webhook_events} are
 * redelivered.
 *
 * @param enabled  run the loop
 * @param interval pause between two passes
 * @param window   how far back failed deliveries are redelivered (GitHub keeps 3 days of deliveries)
 */
@Validated
@ConfigurationProperties("forgesync.healing")
public record HealingProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("10m") Duration interval,
        @NotNull @DefaultValue("3d") Duration window) {
}
