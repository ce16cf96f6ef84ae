package dev.forgesync.ingest.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/** Reads a webhook body with a size cap, and finds the JSON in it (the body, or the {@code payload=} form field). */
final class RequestBody {

    private RequestBody() {
    }

    /** The raw bytes, refused with 413 as soon as more than {@code max} arrive (or are announced). */
    static byte[] read(InputStream in, long contentLength, int max) throws IOException {
        if (contentLength > max) {
            throw tooLarge(max);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(contentLength > 0 ? (int) contentLength : 8192);
        byte[] buffer = new byte[8192];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > max) {
                throw tooLarge(max);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The JSON text: the body itself, or the decoded {@code payload} field of a form-encoded body. */
    static String json(byte[] body, String contentType) {
        return json(body, isForm(contentType));
    }

    /** {@link #json(byte[], String)} once the content type is known to be a form or not. */
    static String json(byte[] body, boolean form) {
        if (form) {
            return formPayload(new String(body, StandardCharsets.US_ASCII));
        }
        return new String(body, StandardCharsets.UTF_8);
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

    private static String formPayload(String form) {
        for (String field : form.split("&")) {
            int eq = field.indexOf('=');
            String name = eq < 0 ? field : field.substring(0, eq);
            if ("payload".equals(name)) {
                try {
                    return URLDecoder.decode(eq < 0 ? "" : field.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new WebhookRejection(HttpStatus.BAD_REQUEST, "invalid_form", "form body is not valid URL encoding");
                }
            }
        }
        throw new WebhookRejection(HttpStatus.BAD_REQUEST, "invalid_form", "form-encoded body has no payload field");
    }

    private static WebhookRejection tooLarge(int max) {
        return new WebhookRejection(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
                "body exceeds the limit of " + max + " bytes");
    }
}
