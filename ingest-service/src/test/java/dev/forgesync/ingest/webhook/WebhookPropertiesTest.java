package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class WebhookPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(WebhookConfiguration.class);

    @Test
    void refusesToStartWithoutASecret() {
        context.run(started -> assertThat(started).hasFailed()
                .getFailure().rootCause().hasMessageContaining("FORGESYNC_WEBHOOK_SECRET"));
    }

    @Test
    void startsWithASecretAndKeepsItOutOfToString() {
        context.withPropertyValues("forgesync.webhook.secret=s3cr3t", "forgesync.webhook.previous-secret=0ld-one")
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    WebhookProperties properties = started.getBean(WebhookProperties.class);
                    assertThat(properties.maxBodySize().toMegabytes()).isEqualTo(5);
                    assertThat(properties.toString()).doesNotContain("s3cr3t", "0ld-one");
                });
    }
}
