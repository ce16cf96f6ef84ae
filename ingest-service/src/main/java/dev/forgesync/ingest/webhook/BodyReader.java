package dev.forgesync.ingest.webhook;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

/**
 * Reads one request's body with non-blocking I/O: while the client has sent nothing new, the request holds no
 * thread, only its socket and its buffer. A client that trickles a large body a byte now and then therefore cannot
 * take Tomcat's request threads away from GitHub's deliveries, however many such clients there are. Exactly one of
 * the {@link Outcome}'s methods is called, once; the buffer is released when the request completes, whatever happened.
 */
final class BodyReader implements ReadListener, AsyncListener {

    /** What became of the body. Each method must answer and complete the request (except {@link #failed}). */
    interface Outcome {
        /** The whole body arrived. Runs on a container thread. */
        void read(RequestBody body) throws IOException;

        /** Too large, over the budget, or too slow: answer with the rejection. */
        void refused(WebhookRejection rejection) throws IOException;

        /** The connection failed (the client went away): there is no one to answer. */
        void failed(Throwable cause);
    }

    private final ServletInputStream in;
    private final RequestBody body;
    private final Duration timeout;
    private final long deadline;
    private final Outcome outcome;
    private final AtomicBoolean finished = new AtomicBoolean();

    private BodyReader(AsyncContext async, RequestBody body, Duration timeout, Outcome outcome) throws IOException {
        this.in = async.getRequest().getInputStream();
        this.body = body;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.outcome = outcome;
    }

    /** Starts reading; {@code async}'s own timeout must leave room for the answer after {@code timeout}. */
    static void start(AsyncContext async, RequestBody body, Duration timeout, Outcome outcome) throws IOException {
        BodyReader reader = new BodyReader(async, body, timeout, outcome);
        async.addListener(reader);
        reader.in.setReadListener(reader);
    }

    @Override
    public void onDataAvailable() throws IOException {
        try {
            while (!finished.get() && in.isReady() && body.readFrom(in)) {
                if (System.nanoTime() - deadline > 0) {
                    throw tooSlow();
                }
            }
        } catch (WebhookRejection rejection) {
            finish(() -> outcome.refused(rejection));
        }
    }

    @Override
    public void onAllDataRead() throws IOException {
        finish(() -> outcome.read(body));
    }

    @Override
    public void onError(Throwable cause) {
        fail(cause);
    }

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        finish(() -> outcome.refused(tooSlow()));
    }

    @Override
    public void onError(AsyncEvent event) {
        fail(event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        body.close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // one asynchronous cycle per request
    }

    private void finish(Step step) throws IOException {
        if (finished.compareAndSet(false, true)) {
            step.run();
        }
    }

    private void fail(Throwable cause) {
        if (finished.compareAndSet(false, true)) {
            outcome.failed(cause);
        }
    }

    private WebhookRejection tooSlow() {
        return new WebhookRejection(Refusal.BODY_TIMEOUT, "the body did not arrive within " + timeout);
    }

    private interface Step {
        void run() throws IOException;
    }
}
