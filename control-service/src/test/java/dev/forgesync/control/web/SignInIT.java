package dev.forgesync.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.testsupport.TestDatabase;

/**
 * Who gets in, through the running control-service's own security filter chain (MockMvc, so each request can come
 * from an address of its choosing): the single sign-on proxy's header from trusted proxies only, admin by name or
 * group, and wrong tokens on the sign-in form limited per client address.
 */
class SignInIT {

    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";
    static final String PROXY = "10.0.0.1";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    static ConfigurableApplicationContext app;
    static MockMvc mvc;
    static long repository;

    @BeforeAll
    static void startControlService() {
        TestDatabase db = TestDatabase.create("signin");
        db.migrate();
        repository = new StatusData(JdbcClient.create(db.dataSource()))
                .repository("octo-org/behind-sso", "permanent_failure");
        Map<String, Object> overrides = new HashMap<>(db.springProperties());
        overrides.put("forgesync.ops.admin-token", ADMIN);
        overrides.put("forgesync.ops.read-token", READ);
        overrides.put("forgesync.ops.sign-in.max-failures", "3");
        overrides.put("forgesync.web.refresh", "0s");
        overrides.put("forgesync.relay.enabled", "false");
        overrides.put("forgesync.web.proxy.enabled", "true");
        overrides.put("forgesync.web.proxy.trusted-proxies", PROXY + ",172.18.0.0/16");
        overrides.put("forgesync.web.proxy.admin-users", "alice@example.com");
        overrides.put("forgesync.web.proxy.admin-groups", "forgesync-admins");
        app = ControlContexts.start(overrides);
        mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) app)
                .addFilters(app.getBean("springSecurityFilterChain", Filter.class)).build();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theUserNamedByATrustedProxySignsInAndAnAdminUserSeesTheButtons() throws Exception {
        MockHttpServletResponse page = perform(get("/repositories/" + repository), PROXY,
                "X-Forwarded-User", "alice@example.com").getResponse();

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("Signed in: alice@example.com (admin)", "id=\"resync\"",
                "id=\"retry\"");
    }

    @Test
    void aMemberOfAnAdminGroupMayActAndItsResyncIsDone() throws Exception {
        MvcResult page = perform(get("/repositories/" + repository), "172.18.3.4", "X-Forwarded-User", "bob",
                "X-Forwarded-Groups", "staff, forgesync-admins");
        assertThat(page.getResponse().getContentAsString()).contains("Signed in: bob (admin)", "id=\"resync\"");

        MockHttpServletResponse resync = perform(post("/repositories/" + repository + "/resync")
                .session(session(page)).param("_csrf", csrf(page)), "172.18.3.4", "X-Forwarded-User", "bob",
                "X-Forwarded-Groups", "staff, forgesync-admins").getResponse();
        assertThat(resync.getStatus()).isEqualTo(302);
    }

    @Test
    void aUserWhoLeavesTheAdminGroupIsReadOnlyFromTheirNextRequestInTheSameSession() throws Exception {
        MvcResult admin = perform(get("/repositories/" + repository), PROXY, "X-Forwarded-User", "dave",
                "X-Forwarded-Groups", "forgesync-admins");
        assertThat(admin.getResponse().getContentAsString()).contains("Signed in: dave (admin)", "id=\"resync\"");

        MockHttpServletResponse next = perform(get("/repositories/" + repository).session(session(admin)), PROXY,
                "X-Forwarded-User", "dave", "X-Forwarded-Groups", "staff").getResponse();
        assertThat(next.getContentAsString()).contains("Signed in: dave (read-only)").doesNotContain("id=\"resync\"");
    }

    @Test
    void aReadOnlyUserSeesNoButtonsAndTheirPostIsRefused() throws Exception {
        MvcResult page = perform(get("/repositories/" + repository), PROXY, "X-Forwarded-User", "carol",
                "X-Forwarded-Groups", "staff");

        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString()).contains("Signed in: carol (read-only)")
                .doesNotContain("id=\"resync\"", "id=\"retry\"");
        MockHttpServletResponse post = perform(post("/repositories/" + repository + "/resync")
                .session(session(page)).param("_csrf", csrf(page)), PROXY, "X-Forwarded-User", "carol")
                .getResponse();
        assertThat(post.getStatus()).as("with the page's own CSRF token, still not an admin").isEqualTo(403);
    }

    @Test
    void theHeaderFromAnAddressThatIsNotATrustedProxyIsIgnored() throws Exception {
        MockHttpServletResponse page = perform(get("/"), "10.0.0.99", "X-Forwarded-User", "alice@example.com")
                .getResponse();

        assertThat(page.getStatus()).isEqualTo(302);
        assertThat(page.getRedirectedUrl()).endsWith("/signin");
    }

    @Test
    void repeatedWrongTokensOnTheFormAre429FromThatAddressOnly() throws Exception {
        String attacker = "192.0.2.66";
        for (int i = 0; i < 3; i++) {
            MockHttpServletResponse wrong = signIn(attacker, "wrong-guess-" + i);
            assertThat(wrong.getStatus()).as(wrong.getContentAsString()).isEqualTo(302);
            assertThat(wrong.getRedirectedUrl()).endsWith("/signin?error");
        }

        MockHttpServletResponse refused = signIn(attacker, ADMIN);
        assertThat(refused.getStatus()).as("refused before the token is compared").isEqualTo(429);
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 300L);
        MockHttpServletResponse admin = signIn("192.0.2.7", ADMIN);
        assertThat(admin.getStatus()).as("the admin from another address").isEqualTo(302);
        assertThat(admin.getRedirectedUrl()).isEqualTo("/");
    }

    private static MockHttpServletResponse signIn(String address, String token) throws Exception {
        MvcResult form = perform(get("/signin"), address);
        return perform(post("/signin").session(session(form)).param("_csrf", csrf(form)).param("token", token),
                address).getResponse();
    }

    private static MvcResult perform(MockHttpServletRequestBuilder request, String address, String... headers)
            throws Exception {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return mvc.perform(request.with(from(address))).andReturn();
    }

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    private static MockHttpSession session(MvcResult result) {
        return (MockHttpSession) result.getRequest().getSession();
    }

    private static String csrf(MvcResult page) throws Exception {
        Matcher matcher = CSRF.matcher(page.getResponse().getContentAsString());
        assertThat(matcher.find()).as("the page carries a CSRF token").isTrue();
        return matcher.group(1);
    }
}
