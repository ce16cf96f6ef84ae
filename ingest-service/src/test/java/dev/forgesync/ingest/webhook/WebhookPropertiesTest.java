package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class WebhookPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withUserConfiguration(WebhookConfiguration.class, WebhookMetrics.class);

    @Test
    void refusesToStartWithoutASecret() {
        context.run(started -> assertThat(started).hasFailed()
                .getFailure().rootCause().hasMessageContaining("FORGESYNC_WEBHOOK_SECRET"));
    }

    @Test
    void startsWithASecretAndKeepsItOutOfToString() {
        context.withPropertyValues("forgesync.webhook.secret=s3cr3t-0f-16-chars", "forgesync.webhook.previous-secret=0ld-one-also-16-chars")
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    WebhookProperties properties = started.getBean(WebhookProperties.class);
                    assertThat(properties.maxBodySize().toMegabytes()).isEqualTo(5);
                    assertThat(properties.toString()).doesNotContain("s3cr3t", "0ld-one");
                });
    }

    @Test
    void refusesToStartWithASecretShorterThan16Characters() {
        context.withPropertyValues("forgesync.webhook.secret=fifteen-chars!!")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("at least 16 characters").hasMessageNotContaining("fifteen"));
        context.withPropertyValues("forgesync.webhook.secret=sixteen-chars!!!", "forgesync.webhook.previous-secret=short")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("FORGESYNC_WEBHOOK_PREVIOUS_SECRET"));
        context.withPropertyValues("forgesync.webhook.secret=sixteen-chars!!!")
                .run(started -> assertThat(started).hasNotFailed());
    }

    @Test
    void refusesABodyBudgetSmallerThanTheLargestBody() {
        context.withPropertyValues("forgesync.webhook.secret=sixteen-chars!!!", "forgesync.webhook.max-body-size=5MB",
                        "forgesync.webhook.max-body-bytes-in-flight=4MB")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("max-body-bytes-in-flight"));
    }
}
