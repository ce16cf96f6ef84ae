package dev.forgesync.requests.relay;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.forgesync.requests.SyncRequestsConfiguration;

/** The outbox relay beside the publisher it sends through ({@code forgesync.relay.*}). */
@Configuration(proxyBeanMethods = false)
@Import({SyncRequestsConfiguration.class, OutboxRelay.class})
public class RelayConfiguration {
}
