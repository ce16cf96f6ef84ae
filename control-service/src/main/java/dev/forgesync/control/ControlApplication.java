package dev.forgesync.control;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

import dev.forgesync.control.replay.ReplayCommand;
import dev.forgesync.requests.relay.RelayConfiguration;

/**
 * forgesync control-service: the operator's side of forgesync (the ops API, replay, retention and archive, the
 * recovery sweep, and the status page), in a process of its own beside the thin ingest-service. With {@code replay}
 * as the first argument it runs {@link ReplayCommand} instead, in a context of its own without a web server, and
 * exits with its status.
 */
@SpringBootApplication
@EnableScheduling
@Import(RelayConfiguration.class)
public class ControlApplication {

    public static void main(String[] args) {
        if (ReplayCommand.isRequested(args)) {
            System.exit(ReplayCommand.run(args, System.out, System.err));
        }
        SpringApplication.run(ControlApplication.class, args);
    }
}
