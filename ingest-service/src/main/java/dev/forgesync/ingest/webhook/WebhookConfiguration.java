package dev.forgesync.ingest.webhook;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.forgesync.ingest.github.GithubEvents;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration {

    @Bean
    SignatureVerifier signatureVerifier(WebhookProperties properties) {
        return new SignatureVerifier(properties.secret(), properties.previousSecret());
    }

    @Bean
    BodyBudget bodyBudget(WebhookProperties properties, WebhookMetrics metrics) {
        BodyBudget budget = new BodyBudget(properties.maxBodyBytesInFlight().toBytes());
        metrics.bodyBytes(budget);
        return budget;
    }

    @Bean
    GithubEvents githubEvents(WebhookProperties properties) {
        return new GithubEvents(properties.starDeleted());
    }
}
