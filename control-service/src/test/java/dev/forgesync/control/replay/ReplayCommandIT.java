package dev.forgesync.control.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RestController;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.requests.SyncRequestsTopic;
import dev.forgesync.requests.relay.DedicatedLoop;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.TestKafka;

/** {@code java -jar control-service.jar replay ...}: a context of its own without a web server, a JSON report, an exit status. */
class ReplayCommandIT {

    private static final TestDatabase DB = migrated();
    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void replaysATimeRangeAndExitsZeroWithItsReport() {
        long repo = repository("cli/" + UUID.randomUUID());
        String inRange = UUID.randomUUID().toString();
        event(inRange, repo, Instant.now().minus(2, ChronoUnit.HOURS));
        event(UUID.randomUUID().toString(), repo, Instant.now().minus(3, ChronoUnit.DAYS));

        int status = run(TestKafka.bootstrapServers(), "replay", "--since=" + Instant.now().minus(1, ChronoUnit.DAYS),
                "--until=" + Instant.now());

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ReplayCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("{\"matched\":1,\"ignored\":0,\"notFound\":[],\"repositories\":1,\"published\":1,\"failed\":0}");
        var published = SyncRequestsTopic.forDelivery(TestKafka.bootstrapServers(), inRange);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).request().trigger()).isEqualTo("replay");
    }

    @Test
    void aBrokerThatCannotBeReachedExitsOneAndReportsTheFailedRequests() {
        long repo = repository("cli/" + UUID.randomUUID());
        String deliveryId = UUID.randomUUID().toString();
        event(deliveryId, repo, Instant.now());

        // KafkaAdmin's start-up topic check would wait out 5 s + 5 s (application.yml) for the missing broker before
        // the command runs; not what this test is about, so it gives up after 1 s. The publish keeps its settings.
        int status = run("127.0.0.1:" + ControlContexts.freePort(), "replay", "--delivery-id=" + deliveryId,
                "--spring.kafka.admin.operation-timeout=1s", "--spring.kafka.admin.properties.request.timeout.ms=1000",
                "--spring.kafka.admin.properties.default.api.timeout.ms=1000");

        assertThat(status).isEqualTo(ReplayCommand.INCOMPLETE);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"published\":0", "\"failed\":1");
    }

    @Test
    void badArgumentsExitTwoWithUsageBeforeAnythingStarts() {
        assertThat(run(TestKafka.bootstrapServers(), "replay")).isEqualTo(ReplayCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not neither", "usage: replay");
        assertThat(run(TestKafka.bootstrapServers(), "replay", "--since=yesterday", "--until=today"))
                .isEqualTo(ReplayCommand.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--since must be an ISO-8601 instant");
        assertThat(run(TestKafka.bootstrapServers(), "replay", "--delivery-id=a", "extra")).isEqualTo(ReplayCommand.INVALID);
    }

    @Test
    void theCommandsContextServesNothingAndRunsNoJobAndNeedsNoSecretOrToken() {
        List<String> args = new ArrayList<>();
        DB.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers());

        try (ConfigurableApplicationContext context = ReplayCommand.start(args)) {
            assertThat(context).isNotInstanceOf(WebServerApplicationContext.class);
            assertThat(context.getBeansOfType(WebhookReplay.class)).hasSize(1);
            assertThat(context.getBeansOfType(DedicatedLoop.class)).as("no relay, no recovery sweep").isEmpty();
            assertThat(context.getBeansOfType(SmartLifecycle.class).keySet())
                    .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("retention"));
            assertThat(context.getBeanNamesForAnnotation(RestController.class)).isEmpty();
            assertThat(context.getEnvironment().getProperty("forgesync.webhook.secret")).isNull();
            assertThat(context.getEnvironment().getProperty("forgesync.relay.enabled")).as("nothing turned off")
                    .isNull();
        }
    }

    private int run(String bootstrapServers, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        DB.springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
        args.add("--forgesync.publish.partitions=4");
        return ReplayCommand.run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private long repository(String fullName) {
        return jdbc.sql("""
                INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name, sync_status)
                VALUES (:url, 'r', 'cli', :fullName, 'completed') RETURNING id""")
                .param("url", "https://github.com/" + fullName).param("fullName", fullName).query(Long.class).single();
    }

    private void event(String deliveryId, long repositoryId, Instant receivedAt) {
        jdbc.sql("""
                INSERT INTO webhook_events (event_id, event_type, delivery_id, payload, signature, processed,
                                            received_at, processed_at, repository_id)
                VALUES (:id, 'push', :id, '{}', 'sha256=x', TRUE, :at, :at, :repositoryId)""")
                .param("id", deliveryId).param("at", receivedAt.atOffset(ZoneOffset.UTC))
                .param("repositoryId", repositoryId).update();
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("replay-cli");
        db.migrate();
        return db;
    }
}
