package dev.forgesync.control.ops;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.stream.Collectors;

import dev.forgesync.schema.SyncEventType;
import dev.forgesync.schema.SyncLogStatus;
import dev.forgesync.schema.SyncStatus;

/** Query parameters as typed values, or a {@code 400} that names the parameter and what it accepts. */
final class OpsParams {

    private OpsParams() {
    }

    /**
     * A page of a list: {@code page} from 0, {@code size} from 1 to the configured maximum. The offset is a long:
     * the largest page (1,000,000) times a configured maximum size above 2,147 does not fit an int.
     */
    record PageRequest(int page, int size, int countLimit) {
        PageRequest(int page, int size) {
            this(page, size, DEFAULT_COUNT_LIMIT);
        }

        long offset() {
            return (long) page * size;
        }
    }

    /** Lists count their matches up to this many unless configured otherwise ({@code forgesync.ops.count-limit}). */
    static final int DEFAULT_COUNT_LIMIT = 10_000;

    /**
     * A keyset position: the ordering timestamp and id of the last row of the previous page ({@code at} null on lists
     * ordered by id alone). Written as {@code <ISO instant>_<id>} or {@code <id>}: opaque to clients.
     */
    record Cursor(OffsetDateTime at, long id) {
        static String of(OffsetDateTime at, long id) {
            return at.toInstant() + "_" + id;
        }

        static String of(long id) {
            return Long.toString(id);
        }
    }

    /** The {@code after} parameter of a list keyed by (time, id); null when absent. */
    static Cursor timeCursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        int split = v.lastIndexOf('_');
        try {
            if (split > 0) {
                return new Cursor(Instant.parse(v.substring(0, split)).atOffset(ZoneOffset.UTC),
                        Long.parseLong(v.substring(split + 1)));
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // answered below
        }
        throw badCursor(value);
    }

    /** The {@code after} parameter of a list keyed by id; null when absent. */
    static Cursor idCursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new Cursor(null, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw badCursor(value);
        }
    }

    private static OpsRejection badCursor(String value) {
        return OpsRejection.badRequest("'after' must be the nextCursor of a previous page of the same list, was '"
                + abbreviate(value) + "'");
    }

    static PageRequest page(Integer page, Integer size, int defaultSize, int maxSize) {
        return page(page, size, defaultSize, maxSize, DEFAULT_COUNT_LIMIT);
    }

    static PageRequest page(Integer page, Integer size, int defaultSize, int maxSize, int countLimit) {
        int p = page == null ? 0 : page;
        int s = size == null ? Math.min(defaultSize, maxSize) : size;
        if (p < 0 || p > 1_000_000) {
            throw OpsRejection.badRequest("'page' must be between 0 and 1000000, was " + p);
        }
        if (s < 1 || s > maxSize) {
            throw OpsRejection.badRequest("'size' must be between 1 and " + maxSize + ", was " + s);
        }
        return new PageRequest(p, s, countLimit);
    }

    /** An ISO-8601 instant ({@code 2026-11-25T14:00:00Z} or with an offset), or null when absent. */
    static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value.strip()).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw OpsRejection.badRequest("'" + name + "' must be an ISO-8601 instant such as 2026-11-25T14:00:00Z, was '"
                        + abbreviate(value) + "'");
            }
        }
    }

    static void requireOrdered(OffsetDateTime since, OffsetDateTime until) {
        if (since != null && until != null && !since.isBefore(until)) {
            throw OpsRejection.badRequest("'since' must be before 'until'");
        }
    }

    /** An optional {@code true}/{@code false} filter; null when absent. */
    static Boolean flag(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw OpsRejection.badRequest("'" + name + "' must be true or false, was '" + abbreviate(value)
                    + "'");
        };
    }

    static String syncStatus(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return SyncStatus.fromDb(value.strip()).dbValue();
        } catch (IllegalArgumentException e) {
            throw OpsRejection.badRequest("'status' must be one of " + allowed(SyncStatus.values()) + ", was '"
                    + abbreviate(value) + "'");
        }
    }

    static String logStatus(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return SyncLogStatus.fromDb(value.strip()).dbValue();
        } catch (IllegalArgumentException e) {
            throw OpsRejection.badRequest("'status' must be one of " + allowed(SyncLogStatus.values()) + ", was '"
                    + abbreviate(value) + "'");
        }
    }

    static String eventType(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return SyncEventType.fromDb(value.strip()).dbValue();
        } catch (IllegalArgumentException e) {
            throw OpsRejection.badRequest("'eventType' must be one of " + allowed(SyncEventType.values()) + ", was '"
                    + abbreviate(value) + "'");
        }
    }

    /** A free-text filter (owner, name, GitHub event), trimmed, at most {@code max} characters. */
    static String text(String name, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw OpsRejection.badRequest("'" + name + "' must be at most " + max + " characters");
        }
        return v;
    }

    static Long positiveId(String name, Long value) {
        if (value != null && value < 1) {
            throw OpsRejection.badRequest("'" + name + "' must be a positive id, was " + value);
        }
        return value;
    }

    private static String allowed(Enum<?>[] values) {
        return Arrays.stream(values).map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "...";
    }
}
