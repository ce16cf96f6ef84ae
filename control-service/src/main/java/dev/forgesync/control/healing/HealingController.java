package dev.forgesync.control.healing;

import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/healing/redeliveries} (admin): one redelivery pass now; answers the guids redelivered. */
@RestController
class HealingController {

    private final Redelivery redelivery;

    HealingController(Redelivery redelivery) {
        this.redelivery = redelivery;
    }

    @PostMapping("/api/healing/redeliveries")
    Map<String, Object> redeliverNow() {
        return Map.of("redelivered", redelivery.runOnce());
    }
}
