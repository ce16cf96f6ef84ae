package dev.forgesync.requests;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.forgesync.requests.topics.TopicsConfiguration;

/**
 * Requesting syncs: the re-arm rule, the outbox writer and the publisher (with its topic, created if missing and never changed, and Kafka health). A service
 * that requests syncs imports it; the outbox relay is imported apart ({@link dev.forgesync.requests.relay.RelayConfiguration}),
 * so a one-shot command can request without running the relay.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackages = {"dev.forgesync.requests.outbox", "dev.forgesync.requests.publish"})
@Import(TopicsConfiguration.class)
public class SyncRequestsConfiguration {
}
