package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class RequestBodyTest {

    private final BodyBudget budget = new BodyBudget(64L * 1024 * 1024);

    @Test
    void readsABodyUpToTheCap() throws Exception {
        RequestBody body = new RequestBody(-1, 1000, budget).readAll(new ByteArrayInputStream(new byte[1000]));

        assertThat(body.length()).isEqualTo(1000);
    }

    @Test
    void refusesWhileReadingOnceTheCapIsPassedEvenWithoutContentLength() {
        assertThatThrownBy(() -> new RequestBody(-1, 1000, budget).readAll(new ByteArrayInputStream(new byte[1001])))
                .isInstanceOfSatisfying(WebhookRejection.class,
                        r -> assertThat(r.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
    }

    @Test
    void refusesAnAnnouncedOversizeBodyBeforeReadingIt() {
        assertThatThrownBy(() -> new RequestBody(5_000_000, 1000, budget))
                .isInstanceOfSatisfying(WebhookRejection.class,
                        r -> assertThat(r.refusal()).isEqualTo(Refusal.PAYLOAD_TOO_LARGE));
        assertThat(budget.used()).isZero();
    }

    @Test
    void allocatesForTheBytesReceivedNotForTheAnnouncedLength() throws Exception {
        RequestBody body = new RequestBody(5_242_880, 5_242_880, budget);
        InputStream oneByteThenSilence = new OneByteThenSilence();

        long before = allocatedByThisThread();
        body.readFrom(oneByteThenSilence);
        long allocated = allocatedByThisThread() - before;

        assertThat(allocated).as("bytes allocated for a body that sent one byte of an announced 5 MB").isLessThan(64 * 1024);
        assertThat(budget.used()).isEqualTo(RequestBody.FIRST_CAPACITY);
    }

    @Test
    void anAnnouncedLengthEndsInABufferOfExactlyThatSize() throws Exception {
        RequestBody body = new RequestBody(100_000, 5_242_880, budget).readAll(new ByteArrayInputStream(new byte[100_000]));

        assertThat(body.bytes()).hasSize(100_000);
        assertThat(budget.used()).isEqualTo(100_000);
    }

    @Test
    void aChunkedBodyReservesAtMostTwiceWhatArrived() throws Exception {
        RequestBody body = new RequestBody(-1, 5_242_880, budget).readAll(new ByteArrayInputStream(new byte[300_000]));

        assertThat(body.length()).isEqualTo(300_000);
        assertThat(budget.used()).isBetween(300_000L, 600_000L);
    }

    @Test
    void refusesABodyTheBudgetCannotHoldAndGivesEverythingBackOnce() throws Exception {
        BodyBudget small = new BodyBudget(100_000);
        RequestBody first = new RequestBody(90_000, 5_242_880, small).readAll(new ByteArrayInputStream(new byte[90_000]));
        RequestBody second = new RequestBody(20_000, 5_242_880, small);

        assertThatThrownBy(() -> second.readAll(new ByteArrayInputStream(new byte[20_000])))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> {
                    assertThat(r.refusal()).isEqualTo(Refusal.BUSY);
                    assertThat(r.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                });
        first.close();
        second.close();
        second.close();
        assertThat(small.used()).isZero();
    }

    @Test
    void takesTheJsonFromThePayloadFieldOfAFormBody() throws Exception {
        String json = "{\"zen\":\"Keep it logically awesome & simple.\"}";
        String form = "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);

        assertThat(read(form.getBytes(StandardCharsets.US_ASCII))
                .json(RequestBody.isForm("application/x-www-form-urlencoded; charset=utf-8"))).isEqualTo(json);
    }

    @Test
    void takesAJsonBodyAsItIs() throws Exception {
        assertThat(read("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).json(RequestBody.isForm("application/json")))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void refusesAFormBodyWithoutPayloadField() throws Exception {
        RequestBody body = read("other=1".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> body.json(true))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> assertThat(r.error()).isEqualTo("invalid_form"));
    }

    private RequestBody read(byte[] bytes) throws Exception {
        return new RequestBody(-1, 1_000_000, budget).readAll(new ByteArrayInputStream(bytes));
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** A client that announced a large body and has sent one byte so far. */
    private static final class OneByteThenSilence extends InputStream {
        private boolean sent;

        @Override
        public int read() {
            if (sent) {
                throw new AssertionError("read past what the client sent: a real stream would block here");
            }
            sent = true;
            return '{';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            b[off] = (byte) read();
            return 1;
        }
    }
}
