package dev.forgesync.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Health and Prometheus metrics on the actuator port. */
class ActuatorIT extends WorkerITSupport {

    @LocalServerPort
    int port;

    @Test
    void exposesHealthAndTheSyncMetrics() throws Exception {
        String fullName = unique("octo") + "/" + unique("metrics");
        try (SourceRepo source = MirrorIT.source(fullName)) {
            source.commit("main", "a.txt", "a");
            long id = registerRepository(fullName, 3);
            requestSync(id, fullName);
            awaitStatus(id, "completed");
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("forgesync_sync_outcomes_total{outcome=\"completed\"", "forgesync_sync_duration_seconds",
                "forgesync_sync_bytes");
    }
}
