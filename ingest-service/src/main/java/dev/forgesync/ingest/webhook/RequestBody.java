package dev.forgesync.ingest.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.springframework.http.MediaType;

/**
 * A webhook body as it arrives, and the JSON in it (the body, or the {@code payload=} form field).
 *
 * <p>The buffer grows with the bytes actually received, never from {@code Content-Length}: announcing 5 MB costs a
 * client nothing, and its signature cannot be checked before the body is there. It doubles from 8 KB up to the
 * announced length (so an honest {@code Content-Length} ends in an array of exactly that size) or, for a chunked
 * body, up to the cap; the body is then used in place ({@link #bytes()} up to {@link #length()}), never copied. Each
 * growth is reserved from the {@link BodyBudget} before it is allocated, and {@link #close()} gives it back.
 */
final class RequestBody implements AutoCloseable {

    static final int FIRST_CAPACITY = 8 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final int max;
    private final int limit;
    private final BodyBudget budget;
    private byte[] bytes = EMPTY;
    private int length;
    private long reserved;
    private boolean closed;

    /** Refused with 413 at once when {@code contentLength} (-1: not announced) exceeds {@code max}. */
    RequestBody(long contentLength, int max, BodyBudget budget) {
        if (contentLength > max) {
            throw tooLarge(max);
        }
        this.max = max;
        this.limit = contentLength >= 0 ? (int) contentLength : max;
        this.budget = budget;
    }

    /**
     * One read from {@code in} straight into the buffer; false once the body has ended. Refused with 413 as soon as
     * more than the cap arrives, with 503 when the budget cannot take the next growth.
     */
    boolean readFrom(InputStream in) throws IOException {
        byte[] into = room();
        if (into == null) {
            return endsHere(in);
        }
        int n = in.read(into, length, into.length - length);
        if (n < 0) {
            return false;
        }
        length += n;
        return true;
    }

    /** Reads {@code in} to its end (blocking). */
    RequestBody readAll(InputStream in) throws IOException {
        while (readFrom(in)) {
            // each call reads what is there
        }
        return this;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** The JSON text: the body itself, or the decoded {@code payload} field of a form-encoded body. */
    String json(boolean form) {
        if (form) {
            return formPayload(new String(bytes, 0, length, StandardCharsets.US_ASCII));
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            return MediaType.APPLICATION_FORM_URLENCODED.includes(MediaType.parseMediaType(contentType));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Gives the reserved bytes back to the budget and lets go of the buffer; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        budget.release(reserved);
        reserved = 0;
        bytes = EMPTY;
        length = 0;
    }

    /** The buffer with free space, grown if it was full; null when the body may have no more bytes. */
    private synchronized byte[] room() {
        if (closed) {
            throw new IllegalStateException("the body was released");
        }
        if (length < bytes.length) {
            return bytes;
        }
        if (bytes.length == limit) {
            return null;
        }
        int capacity = (int) Math.min(limit, Math.max(FIRST_CAPACITY, 2L * bytes.length));
        if (!budget.tryReserve(capacity - bytes.length)) {
            throw new WebhookRejection(Refusal.BUSY, "too many webhook bodies are being received at once; redeliver later");
        }
        reserved += capacity - bytes.length;
        bytes = Arrays.copyOf(bytes, capacity);
        return bytes;
    }

    private boolean endsHere(InputStream in) throws IOException {
        if (in.read() < 0) {
            return false;
        }
        throw tooLarge(max);
    }

    private static String formPayload(String form) {
        for (String field : form.split("&")) {
            int eq = field.indexOf('=');
            String name = eq < 0 ? field : field.substring(0, eq);
            if ("payload".equals(name)) {
                try {
                    return URLDecoder.decode(eq < 0 ? "" : field.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new WebhookRejection(Refusal.INVALID_FORM, "form body is not valid URL encoding");
                }
            }
        }
        throw new WebhookRejection(Refusal.INVALID_FORM, "form-encoded body has no payload field");
    }

    private static WebhookRejection tooLarge(int max) {
        return new WebhookRejection(Refusal.PAYLOAD_TOO_LARGE, "body exceeds the limit of " + max + " bytes");
    }
}
