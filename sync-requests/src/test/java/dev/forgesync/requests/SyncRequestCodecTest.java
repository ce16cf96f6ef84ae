package dev.forgesync.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SyncRequestCodecTest {

    private final SyncRequest request = new SyncRequest(1, UUID.fromString("1b2c3d4e-0000-4000-8000-000000000001"), 42,
            "octo/hello-world", "push", "72d3162e-cc78-11e3-81ab-4c9367dc0958", Instant.parse("2026-11-25T14:00:00.123Z"));

    @Test
    void roundTripsEveryField() {
        assertThat(SyncRequestCodec.fromBytes(SyncRequestCodec.toBytes(request))).isEqualTo(request);
    }

    @Test
    void writesTheVersionedJsonForm() {
        assertThat(SyncRequestCodec.toJson(request)).isEqualTo("{\"version\":1,"
                + "\"requestId\":\"1b2c3d4e-0000-4000-8000-000000000001\",\"repositoryId\":42,"
                + "\"fullName\":\"octo/hello-world\",\"trigger\":\"push\","
                + "\"deliveryId\":\"72d3162e-cc78-11e3-81ab-4c9367dc0958\",\"requestedAt\":\"2026-11-25T14:00:00.123Z\"}");
    }

    @Test
    void roundTripsARequestWithoutDeliveryId() {
        SyncRequest resync = SyncRequest.of(7, "octo/repo", "resync", null, Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(SyncRequestCodec.fromJson(SyncRequestCodec.toJson(resync))).isEqualTo(resync);
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        String json = SyncRequestCodec.toJson(request).replace("{\"version\":1,", "{\"version\":1,\"addedLater\":true,");
        assertThat(SyncRequestCodec.fromJson(json)).isEqualTo(request);
    }

    @Test
    void usesTheRepositoryIdAsKey() {
        assertThat(request.key()).isEqualTo("42");
    }

    @Test
    void rejectsAVersionNewerThanItKnows() {
        String json = SyncRequestCodec.toJson(request).replace("\"version\":1", "\"version\":2");
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(json))
                .isInstanceOf(InvalidSyncRequestException.class).hasMessageContaining("unsupported SyncRequest version 2");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> SyncRequestCodec.fromJson("{\"version\":1,"))
                .isInstanceOf(InvalidSyncRequestException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsANonObject() {
        assertThatThrownBy(() -> SyncRequestCodec.fromJson("[1,2]"))
                .isInstanceOf(InvalidSyncRequestException.class).hasMessageContaining("JSON object");
    }

    @Test
    void rejectsAnEmptyValue() {
        assertThatThrownBy(() -> SyncRequestCodec.fromBytes(null)).isInstanceOf(InvalidSyncRequestException.class);
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(" ")).isInstanceOf(InvalidSyncRequestException.class);
    }

    @Test
    void rejectsMissingOrWrongTypedFields() {
        String json = SyncRequestCodec.toJson(request);
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(json.replace("\"repositoryId\":42,", "")))
                .isInstanceOf(InvalidSyncRequestException.class).hasMessageContaining("'repositoryId' is missing");
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(json.replace("\"repositoryId\":42", "\"repositoryId\":\"42\"")))
                .isInstanceOf(InvalidSyncRequestException.class).hasMessageContaining("'repositoryId' must be an integer");
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(json.replace("\"repositoryId\":42", "\"repositoryId\":0")))
                .isInstanceOf(InvalidSyncRequestException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(json.replace("1b2c3d4e-0000", "not-a-uuid")))
                .isInstanceOf(InvalidSyncRequestException.class);
        assertThatThrownBy(() -> SyncRequestCodec.fromJson(json.replace("2026-11-25T14:00:00.123Z", "yesterday")))
                .isInstanceOf(InvalidSyncRequestException.class);
    }
}
