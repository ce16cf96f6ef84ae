package dev.forgesync.ingest.webhook;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of webhook bodies held in memory at once, across all requests. A body's buffer reserves each growth here
 * before it allocates it and gives everything back when its request is answered; a growth the budget cannot take is
 * refused at once (503, Retry-After), never waited for. So however many clients send bodies, and however slowly,
 * the bodies they make the service hold stay under {@code forgesync.webhook.max-body-bytes-in-flight}.
 */
final class BodyBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    BodyBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the body budget must be positive, was " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget if they fit, else takes nothing and says so. */
    boolean tryReserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
