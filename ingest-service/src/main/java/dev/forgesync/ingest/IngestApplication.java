package dev.forgesync.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

import dev.forgesync.ingest.replay.ReplayCommand;

/**
 * forgesync ingest-service: GitHub webhooks in, webhook_events stored, sync requests out to Kafka. With
 * {@code replay} as the first argument it runs {@link ReplayCommand} instead and exits with its status.
 */
@SpringBootApplication
@EnableScheduling
public class IngestApplication {

    public static void main(String[] args) {
        if (ReplayCommand.isRequested(args)) {
            System.exit(ReplayCommand.run(IngestApplication.class, args, System.out, System.err));
        }
        SpringApplication.run(IngestApplication.class, args);
    }
}
