package dev.forgesync.control;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * forgesync control-service: the operator's side of forgesync (the ops API, replay, retention and archive, and the
 * status page), in a process of its own beside the thin ingest-service.
 */
@SpringBootApplication
@EnableScheduling
public class ControlApplication {

    public static void main(String[] args) {
        SpringApplication.run(ControlApplication.class, args);
    }
}
