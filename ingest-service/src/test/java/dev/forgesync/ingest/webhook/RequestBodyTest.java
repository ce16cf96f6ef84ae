package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class RequestBodyTest {

    @Test
    void readsABodyUpToTheCap() throws Exception {
        byte[] body = new byte[1000];

        assertThat(RequestBody.read(new ByteArrayInputStream(body), -1, 1000)).hasSize(1000);
    }

    @Test
    void refusesWhileReadingOnceTheCapIsPassedEvenWithoutContentLength() {
        assertThatThrownBy(() -> RequestBody.read(new ByteArrayInputStream(new byte[1001]), -1, 1000))
                .isInstanceOfSatisfying(WebhookRejection.class,
                        r -> assertThat(r.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
    }

    @Test
    void refusesAnAnnouncedOversizeBodyBeforeReadingIt() {
        assertThatThrownBy(() -> RequestBody.read(new ByteArrayInputStream(new byte[0]), 5_000_000, 1000))
                .isInstanceOf(WebhookRejection.class);
    }

    @Test
    void takesTheJsonFromThePayloadFieldOfAFormBody() {
        String json = "{\"zen\":\"Keep it logically awesome & simple.\"}";
        String form = "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);

        assertThat(RequestBody.json(form.getBytes(StandardCharsets.US_ASCII),
                "application/x-www-form-urlencoded; charset=utf-8")).isEqualTo(json);
    }

    @Test
    void takesAJsonBodyAsItIs() {
        assertThat(RequestBody.json("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json")).isEqualTo("{\"a\":1}");
    }

    @Test
    void refusesAFormBodyWithoutPayloadField() {
        assertThatThrownBy(() -> RequestBody.json("other=1".getBytes(StandardCharsets.US_ASCII),
                "application/x-www-form-urlencoded"))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> assertThat(r.error()).isEqualTo("invalid_form"));
    }
}
