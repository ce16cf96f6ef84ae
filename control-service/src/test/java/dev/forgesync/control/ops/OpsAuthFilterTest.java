package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static MockHttpServletResponse filter(OpsProperties properties, String method, String authorization)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/syncs/pending");
        request.addHeader("Authorization", authorization);
        MockHttpServletResponse response = new MockHttpServletResponse();
        new OpsAuthFilter(new OpsTokens(properties)).doFilter(request, response, new MockFilterChain());
        return response;
    }
}
