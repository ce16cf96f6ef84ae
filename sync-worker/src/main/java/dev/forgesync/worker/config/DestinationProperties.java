package dev.forgesync.worker.config;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Local-directory destinations: {@code localDir} is where mirrors go when no OneDev is configured;
 * {@code backupDir}, when set, receives a second copy of every mirror beside OneDev.
 *
 * @param localDir {@code FORGESYNC_DESTINATION_LOCAL_DIR}: the folder of bare repositories mirrors go to when no OneDev is configured
 * @param backupDir {@code FORGESYNC_DESTINATION_BACKUP_DIR}: when set, a second copy of every mirror goes here beside OneDev
 */
@Validated
@ConfigurationProperties("forgesync.destination")
public record DestinationProperties(@NotNull @DefaultValue("mirrors") Path localDir, Path backupDir) {
}
