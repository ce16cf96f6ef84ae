package dev.forgesync.requests;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The versioned JSON form of {@link SyncRequest}.
 *
 * <pre>{"version":1,"requestId":"…","repositoryId":42,"fullName":"owner/repo","trigger":"push",
 *  "deliveryId":"…","requestedAt":"2026-11-25T14:00:00Z"}</pre>
 *
 * <p>Readers accept every version up to {@link SyncRequest#CURRENT_VERSION} and ignore fields they do not know
 * (so a writer may add optional fields without a version bump); a higher version or a broken value is an
 * {@link InvalidSyncRequestException}.
 */
public final class SyncRequestCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private SyncRequestCodec() {
    }

    /**
     * The request as a JSON object, written directly (strings escaped by Jackson's encoder): the ingest writes one
     * per webhook, and building a tree to serialise it showed in the ingest's profile.
     */
    public static String toJson(SyncRequest request) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"version\":").append(request.version());
        string(json, "requestId", request.requestId().toString());
        json.append(",\"repositoryId\":").append(request.repositoryId());
        string(json, "fullName", request.fullName());
        string(json, "trigger", request.trigger());
        if (request.deliveryId() == null) {
            json.append(",\"deliveryId\":null");
        } else {
            string(json, "deliveryId", request.deliveryId());
        }
        string(json, "requestedAt", request.requestedAt().toString());
        return json.append('}').toString();
    }

    private static void string(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, json);
        json.append('"');
    }

    public static byte[] toBytes(SyncRequest request) {
        return toJson(request).getBytes(StandardCharsets.UTF_8);
    }

    public static SyncRequest fromBytes(byte[] value) {
        if (value == null) {
            throw new InvalidSyncRequestException("empty record value");
        }
        return fromJson(new String(value, StandardCharsets.UTF_8));
    }

    public static SyncRequest fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidSyncRequestException("empty record value");
        }
        JsonNode node = parse(json);
        int version = requiredInt(node, "version");
        if (version < 1 || version > SyncRequest.CURRENT_VERSION) {
            throw new InvalidSyncRequestException("unsupported SyncRequest version " + version
                    + " (this reader knows 1.." + SyncRequest.CURRENT_VERSION + ")");
        }
        try {
            return new SyncRequest(
                    version,
                    UUID.fromString(requiredText(node, "requestId")),
                    requiredLong(node, "repositoryId"),
                    requiredText(node, "fullName"),
                    requiredText(node, "trigger"),
                    optionalText(node, "deliveryId"),
                    Instant.parse(requiredText(node, "requestedAt")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidSyncRequestException("invalid SyncRequest: " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new InvalidSyncRequestException("SyncRequest must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new InvalidSyncRequestException("SyncRequest is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidSyncRequestException("SyncRequest field '" + field + "' is missing");
        }
        return value;
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isString()) {
            throw new InvalidSyncRequestException("SyncRequest field '" + field + "' must be a string");
        }
        return value.stringValue();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidSyncRequestException("SyncRequest field '" + field + "' must be an integer");
        }
        return value.longValue();
    }

    private static int requiredInt(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidSyncRequestException("SyncRequest field '" + field + "' must be an integer");
        }
        return value.intValue();
    }
}
