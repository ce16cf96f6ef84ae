package dev.forgesync.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import dev.forgesync.requests.relay.RelayConfiguration;

/**
 * forgesync ingest-service: GitHub webhooks in, webhook_events stored, sync requests out to Kafka (after commit, and
 * by the outbox relay for what the broker did not take). The operator's side is control-service.
 */
@SpringBootApplication
@Import(RelayConfiguration.class)
public class IngestApplication {

    public static void main(String[] args) {
        SpringApplication.run(IngestApplication.class, args);
    }
}
