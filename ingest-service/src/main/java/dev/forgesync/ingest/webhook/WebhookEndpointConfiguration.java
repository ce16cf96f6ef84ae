package dev.forgesync.ingest.webhook;

import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.forgesync.ingest.delivery.DeliveryService;
import dev.forgesync.ingest.delivery.StoreProperties;
import dev.forgesync.ingest.github.GithubEvents;

/** The webhook endpoint, mapped to its one path beside the DispatcherServlet (see {@link WebhookServlet}). */
@Configuration(proxyBeanMethods = false)
class WebhookEndpointConfiguration {

    @Bean
    ServletRegistrationBean<WebhookServlet> webhookServlet(SignatureVerifier verifier, GithubEvents events,
            DeliveryService deliveries, WebhookMetrics metrics, BodyBudget budget, WebhookProperties properties,
            StoreProperties store) {
        var registration = new ServletRegistrationBean<>(
                new WebhookServlet(verifier, events, deliveries, metrics, budget, properties, store.timeout()),
                WebhookServlet.PATH);
        registration.setName("webhookServlet");
        registration.setAsyncSupported(true); // bodies are read with non-blocking I/O (BodyReader)
        registration.setLoadOnStartup(1);
        return registration;
    }
}
