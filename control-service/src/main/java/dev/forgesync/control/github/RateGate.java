package dev.forgesync.control.github;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's primary and secondary rate limits as the client saw them ("Rate limits for the REST API" and
 * "Troubleshooting the REST API" on docs.github.com): before a request, wait while the budget is down to the reserve
 * and its reset is ahead; after a 403/429, wait {@code Retry-After} seconds, or until {@code x-ratelimit-reset} when
 * {@code x-ratelimit-remaining} is 0, or a minute otherwise. Never a tight loop: every wait is at least a second.
 */
final class RateGate {

    /** How the gate waits (real time in production; tests observe it through the stand-in's request log). */
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(RateGate.class);
    private static final Duration MIN_WAIT = Duration.ofSeconds(1);

    private final int reserve;
    private final Duration maxWait;
    private final Clock clock;
    private final Pause pause;
    private Integer remaining;
    private Instant reset;

    RateGate(int reserve, Duration maxWait, Clock clock, Pause pause) {
        this.reserve = reserve;
        this.maxWait = maxWait;
        this.clock = clock;
        this.pause = pause;
    }

    /** Waits until a request may be sent. */
    void beforeRequest() throws InterruptedException {
        Instant until = untilAllowed();
        if (until != null) {
            waitUntil(until, "primary rate limit at its reserve");
        }
    }

    /** Records the budget a response announced. */
    synchronized void observe(HttpHeaders headers) {
        headers.firstValue("x-ratelimit-remaining").map(Integer::parseInt).ifPresent(r -> remaining = r);
        headers.firstValue("x-ratelimit-reset").map(Long::parseLong).map(Instant::ofEpochSecond)
                .ifPresent(r -> reset = r);
    }

    /**
     * After a 403 or 429: whether it was a rate limit (then the gate has waited as the documentation says and the
     * request may be sent again) or a plain refusal.
     */
    boolean waitIfLimited(int status, HttpHeaders headers, String body) throws InterruptedException {
        if (status != 403 && status != 429) {
            return false;
        }
        Optional<Long> retryAfter = headers.firstValue("retry-after").map(Long::parseLong);
        if (retryAfter.isPresent()) {
            waitUntil(clock.instant().plusSeconds(retryAfter.get()), "secondary rate limit (Retry-After)");
            return true;
        }
        if ("0".equals(headers.firstValue("x-ratelimit-remaining").orElse(null))) {
            waitUntil(headers.firstValue("x-ratelimit-reset").map(Long::parseLong).map(Instant::ofEpochSecond)
                    .orElse(clock.instant().plusSeconds(60)), "primary rate limit spent");
            return true;
        }
        if (status == 429 || (body != null && body.contains("secondary rate limit"))) {
            waitUntil(clock.instant().plusSeconds(60), "secondary rate limit");
            return true;
        }
        return false;
    }

    private synchronized Instant untilAllowed() {
        if (remaining == null || reset == null || remaining > reserve) {
            return null;
        }
        if (!clock.instant().isBefore(reset)) {
            remaining = null;
            return null;
        }
        return reset;
    }

    private void waitUntil(Instant until, String why) throws InterruptedException {
        Duration wait = Duration.between(clock.instant(), until);
        if (wait.compareTo(MIN_WAIT) < 0) {
            wait = MIN_WAIT;
        }
        if (wait.compareTo(maxWait) > 0) {
            throw new GithubException("GitHub asks to wait " + wait.toSeconds() + " s (" + why
                    + "), more than forgesync.github.max-wait " + maxWait.toSeconds() + " s", 429, null);
        }
        log.warn("github: waiting {} s: {}", wait.toSeconds(), why);
        pause.pause(wait.plusMillis(250));
        synchronized (this) {
            remaining = null;
        }
    }
}
