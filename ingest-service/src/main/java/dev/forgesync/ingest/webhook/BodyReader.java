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
 * Reads one request's body with non-blocking I/O: while the client sends nothing new, the request holds no thread,
 * only its socket and its buffer. A client that trickles a large body a byte now and then therefore cannot take
 * Tomcat's request threads away from GitHub's deliveries, however many such clients there are.
 *
 * <p>A request refused before its body has arrived (too large, over the budget, or refused from its headers) is
 * answered at once and the rest of its body is read into nothing, in the same non-blocking way, until it ends or the
 * body timeout passes; the connection then closes. (Left to Tomcat, the unread rest would be swallowed by a blocked
 * request thread.) The buffer goes back to the budget when the request completes, whatever happened.
 */
final class BodyReader implements ReadListener, AsyncListener {

    /** What to answer. Each method writes the answer; the reader completes the request. */
    interface Outcome {
        /** The whole body arrived. Runs on a container thread. */
        void read(RequestBody body) throws IOException;

        /** Too large, over the budget, or too slow. */
        void refused(WebhookRejection rejection) throws IOException;
    }

    private static final byte[] DISCARDED = new byte[8192];

    private final AsyncContext async;
    private final ServletInputStream in;
    private final RequestBody body;
    private final Duration timeout;
    private final long deadline;
    private final Outcome outcome;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile boolean draining;

    private BodyReader(AsyncContext async, RequestBody body, Duration timeout, Outcome outcome, boolean answered)
            throws IOException {
        this.async = async;
        this.in = async.getRequest().getInputStream();
        this.body = body;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.outcome = outcome;
        this.answered.set(answered);
        this.draining = answered;
    }

    /** Reads {@code body}, then has {@code outcome} answer. {@code async}'s timeout must leave room for the answer. */
    static void read(AsyncContext async, RequestBody body, Duration timeout, Outcome outcome) throws IOException {
        new BodyReader(async, body, timeout, outcome, false).listen();
    }

    /** The request is answered already: reads the rest of its body into nothing, then completes it. */
    static void drain(AsyncContext async, Duration timeout) throws IOException {
        new BodyReader(async, null, timeout, null, true).listen();
    }

    private void listen() {
        async.addListener(this);
        in.setReadListener(this);
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!completed.get() && in.isReady()) {
            if (System.nanoTime() - deadline > 0) {
                timedOut();
                return;
            }
            if (!readOnce()) {
                return;
            }
        }
    }

    @Override
    public void onAllDataRead() throws IOException {
        try {
            if (!draining && answered.compareAndSet(false, true)) {
                outcome.read(body);
            }
        } finally {
            complete();
        }
    }

    /** The client went away (or the read failed): there is no one to answer. Completed by the AsyncListener call. */
    @Override
    public void onError(Throwable cause) {
        draining = true;
    }

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        timedOut();
    }

    /**
     * Completes the request even if it was completed before: Tomcat enters its error state after a failed read, and
     * only a complete() from this very call keeps it from dispatching to the error page (which writes into a closed
     * response and logs a warning each time: a client could cause that at will by hanging up mid-body).
     */
    @Override
    public void onError(AsyncEvent event) {
        completed.set(true);
        try {
            async.complete();
        } catch (IllegalStateException alreadyDone) {
            // completed meanwhile
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (body != null) {
            body.close();
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // one asynchronous cycle per request
    }

    /** One read: into the body, or into nothing once the request is answered; false at the end of the body. */
    private boolean readOnce() throws IOException {
        if (draining) {
            return in.read(DISCARDED) >= 0;
        }
        try {
            return body.readFrom(in);
        } catch (WebhookRejection rejection) {
            refuse(rejection);
            return true;
        }
    }

    private void refuse(WebhookRejection rejection) throws IOException {
        draining = true;
        if (answered.compareAndSet(false, true)) {
            outcome.refused(rejection);
        }
    }

    private void timedOut() throws IOException {
        try {
            refuse(new WebhookRejection(Refusal.BODY_TIMEOUT, "the body did not arrive within " + timeout));
        } finally {
            complete();
        }
    }

    private void complete() {
        if (completed.compareAndSet(false, true)) {
            async.complete();
        }
    }
}
