package dev.forgesync.ingest.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.forgesync.testsupport.Webhooks;

/**
 * The benchmark's HTTP/1.1 requests, assembled once: per delivery the request line and every header but the delivery
 * id (the {@code X-Hub-Signature-256} covers the body only, so it is computed once per body), ending in
 * {@code X-GitHub-Delivery: <run-id>-}, and the body. Per request only {@code <n>-<nonce>}, the blank line and the
 * body are copied into the caller's buffer: the delivery id is {@code <run-id>-<n>-<nonce>}, the nonce fixed for the
 * process, so a rerun with the same run id against the same database is still a new delivery.
 */
final class WebhookRequests {

    private final byte[][] heads;
    private final byte[][] bodies;
    private final byte[] idEnd;
    private final int maxLength;

    WebhookRequests(URI url, String runId, String nonce, List<Webhooks.Delivery> deliveries) {
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("only http:// URLs: " + url);
        }
        if (runId.length() + nonce.length() > 70) {
            throw new IllegalArgumentException("run id and nonce too long for a 100-character delivery id");
        }
        if (deliveries.isEmpty()) {
            throw new IllegalArgumentException("no deliveries");
        }
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String host = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        heads = new byte[deliveries.size()][];
        bodies = new byte[deliveries.size()][];
        int longest = 0;
        for (int i = 0; i < deliveries.size(); i++) {
            Webhooks.Delivery delivery = deliveries.get(i);
            heads[i] = ("POST " + target + " HTTP/1.1\r\n"
                    + "Host: " + host + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + delivery.body().length + "\r\n"
                    + "X-GitHub-Event: " + delivery.event() + "\r\n"
                    + "X-Hub-Signature-256: " + delivery.signature() + "\r\n"
                    + "X-GitHub-Delivery: " + runId + "-").getBytes(StandardCharsets.US_ASCII);
            bodies[i] = delivery.body();
            longest = Math.max(longest, heads[i].length + bodies[i].length);
        }
        idEnd = ("-" + nonce + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        maxLength = longest + 20 + idEnd.length; // 20: the digits of any long
    }

    /** A buffer {@link #render} can write any request into. */
    byte[] newBuffer() {
        return new byte[maxLength];
    }

    /** Writes request {@code n} (of delivery {@code n % deliveries}) into {@code buffer}; returns its length. */
    int render(long n, byte[] buffer) {
        if (n < 0) {
            throw new IllegalArgumentException("negative request number " + n);
        }
        int delivery = (int) (n % heads.length);
        byte[] head = heads[delivery];
        byte[] body = bodies[delivery];
        System.arraycopy(head, 0, buffer, 0, head.length);
        int at = writeDecimal(n, buffer, head.length);
        System.arraycopy(idEnd, 0, buffer, at, idEnd.length);
        at += idEnd.length;
        System.arraycopy(body, 0, buffer, at, body.length);
        return at + body.length;
    }

    private static int writeDecimal(long value, byte[] buffer, int at) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }
}
