package dev.forgesync.control.web;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The status page at {@code /}. Who may sign in is decided by the ops API's tokens ({@code forgesync.ops.*}).
 *
 * @param refresh    how often an open page fetches itself again (0 turns self-refresh off)
 * @param lagTimeout how long the overview waits for Kafka's answer about the workers' consumer lag
 * @param pageSize   rows per page of the repositories and failures lists
 * @param timeline   sync_logs rows shown on one repository's page, newest first
 */
@Validated
@ConfigurationProperties("forgesync.web")
record WebProperties(
        @NotNull @DefaultValue("15s") Duration refresh,
        @NotNull @DefaultValue("2s") Duration lagTimeout,
        @Min(1) @Max(500) @DefaultValue("50") int pageSize,
        @Min(1) @Max(1000) @DefaultValue("100") int timeline) {
}
