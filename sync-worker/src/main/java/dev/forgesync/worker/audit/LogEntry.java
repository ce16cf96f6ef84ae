package dev.forgesync.worker.audit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;

/** One {@code sync_logs} row before it is written; build with the static factories and the {@code with*} steps. */
public record LogEntry(
        SyncEventType eventType,
        SyncLogStatus status,
        String errorCode,
        String errorMessage,
        Duration duration,
        Long bytes,
        Map<String, Object> payload) {

    public static LogEntry of(SyncEventType type, SyncLogStatus status) {
        return new LogEntry(type, status, null, null, null, null, new LinkedHashMap<>());
    }

    public LogEntry withError(String code, String message) {
        return new LogEntry(eventType, status, code, message, duration, bytes, payload);
    }

    public LogEntry withDuration(Duration d) {
        return new LogEntry(eventType, status, errorCode, errorMessage, d, bytes, payload);
    }

    public LogEntry withBytes(long b) {
        return new LogEntry(eventType, status, errorCode, errorMessage, duration, b, payload);
    }

    public LogEntry with(String key, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(payload);
        next.put(key, value);
        return new LogEntry(eventType, status, errorCode, errorMessage, duration, bytes, next);
    }
}
