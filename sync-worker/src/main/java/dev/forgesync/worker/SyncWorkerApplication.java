package dev.forgesync.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** forgesync sync-worker: consumes sync requests and mirrors GitHub repositories into OneDev. */
@SpringBootApplication
public class SyncWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SyncWorkerApplication.class, args);
    }
}
