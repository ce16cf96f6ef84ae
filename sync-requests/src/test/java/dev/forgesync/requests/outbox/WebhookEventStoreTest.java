package dev.forgesync.requests.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookEventStoreTest {

    @Test
    void replacesTheNulEscapeJsonbRefuses() {
        assertThat(WebhookEventStore.storable("{\"message\":\"a\\u0000b\"}")).isEqualTo("{\"message\":\"a\\ufffdb\"}");
    }

    @Test
    void leavesAnEscapedBackslashFollowedByU0000Alone() {
        String json = "{\"message\":\"C:\\\\u0000\"}";

        assertThat(WebhookEventStore.storable(json)).isEqualTo(json);
    }

    @Test
    void leavesOrdinaryPayloadsUntouched() {
        String json = "{\"message\":\"caf\\u00e9\"}";

        assertThat(WebhookEventStore.storable(json)).isSameAs(json);
    }
}
