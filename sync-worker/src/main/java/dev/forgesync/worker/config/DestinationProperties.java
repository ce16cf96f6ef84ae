package dev.forgesync.worker.config;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Local-directory destinations: {@code localDir} is where mirrors go when no OneDev is configured;
 * {@code backupDir}, when set, receives a second copy of every mirror beside OneDev.
 */
@Validated
@ConfigurationProperties("forgesync.destination")
public record DestinationProperties(@NotNull @DefaultValue("mirrors") Path localDir, Path backupDir) {
}
