package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class OpsAuthFilterTest {

    private static final String ADMIN = "admin-0123456789abcdef";
    private static final String READ = "read-0123456789abcdef";

    @Test
    void disabledApiAnswers401ToEveryoneAndSaysHowToEnableIt() throws Exception {
        MockHttpServletResponse response = filter(new OpsProperties(null, null, 500, 10_000, 10_000), "GET", "Bearer x");

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentAsString()).contains("\"error\":\"unauthorized\"", "FORGESYNC_OPS_ADMIN_TOKEN");
    }

    @Test
    void readTokenMayGetButNotPost() throws Exception {
        OpsProperties properties = new OpsProperties(ADMIN, READ, 500, 10_000, 10_000);

        assertThat(filter(properties, "GET", "Bearer " + READ).getStatus()).isEqualTo(200);
        MockHttpServletResponse post = filter(properties, "POST", "Bearer " + READ);
        assertThat(post.getStatus()).isEqualTo(403);
        assertThat(post.getContentAsString()).contains("\"error\":\"forbidden\"");
        assertThat(filter(properties, "POST", "Bearer " + ADMIN).getStatus()).isEqualTo(200);
        assertThat(filter(properties, "DELETE", "Bearer " + READ).getStatus()).isEqualTo(403);
    }

    @Test
    void anAddressThatSentTooManyWrongTokensIsRefused429UntilTheWindowPassesWhileOtherAddressesAreServed()
            throws Exception {
        MovableClock clock = new MovableClock();
        OpsAuthFilter filter = new OpsAuthFilter(new OpsTokens(new OpsProperties(ADMIN, READ, 500, 10_000, 10_000)),
                new SignInThrottle(new SignInProperties(true, 3, Duration.ofMinutes(5), 100), clock));

        for (int i = 0; i < 3; i++) {
            assertThat(filter(filter, "10.0.0.66", "Bearer wrong-guess-" + i).getStatus()).isEqualTo(401);
            clock.move(Duration.ofSeconds(10));
        }
        MockHttpServletResponse refused = filter(filter, "10.0.0.66", "Bearer " + ADMIN);
        assertThat(refused.getStatus()).as("refused before its token is compared, right or wrong").isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("270");
        assertThat(refused.getContentAsString()).contains("\"error\":\"too_many_failures\"").doesNotContain(ADMIN);
        assertThat(filter(filter, "10.0.0.7", "Bearer " + ADMIN).getStatus()).as("the admin elsewhere").isEqualTo(200);

        clock.move(Duration.ofSeconds(271));
        assertThat(filter(filter, "10.0.0.66", "Bearer " + ADMIN).getStatus()).isEqualTo(200);
    }

    @Test
    void requestsWithoutAnyTokenAreNotCountedAsGuesses() throws Exception {
        OpsAuthFilter filter = new OpsAuthFilter(new OpsTokens(new OpsProperties(ADMIN, READ, 500, 10_000, 10_000)),
                new SignInThrottle(new SignInProperties(true, 2, Duration.ofMinutes(5), 100), new MovableClock()));

        for (int i = 0; i < 5; i++) {
            assertThat(filter(filter, "10.0.0.8", null).getStatus()).isEqualTo(401);
        }
        assertThat(filter(filter, "10.0.0.8", "Bearer " + READ).getStatus()).isEqualTo(200);
    }

    private static MockHttpServletResponse filter(OpsProperties properties, String method, String authorization)
            throws Exception {
        OpsAuthFilter filter = new OpsAuthFilter(new OpsTokens(properties),
                new SignInThrottle(new SignInProperties(true, 10, Duration.ofMinutes(5), 100), Clock.systemUTC()));
        return filter(filter, method, "127.0.0.1", authorization);
    }

    private static MockHttpServletResponse filter(OpsAuthFilter filter, String address, String authorization)
            throws Exception {
        return filter(filter, "GET", address, authorization);
    }

    private static MockHttpServletResponse filter(OpsAuthFilter filter, String method, String address,
            String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/syncs/pending");
        request.setRemoteAddr(address);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T12:00:00Z");

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
