package dev.forgesync.worker.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param timeout the sync time limit: a sync stops between steps once it is over, and an {@code in_progress} claim
 *                older than this is stale (its holder died) and may be taken over. The consumer's
 *                {@code max.poll.interval.ms} must exceed {@code max.poll.records × 2 × timeout} (wait for a busy
 *                claim, then sync); start-up checks it.
 */
@Validated
@ConfigurationProperties("forgesync.sync")
public record SyncProperties(@NotNull @DefaultValue("10m") Duration timeout) {
}
