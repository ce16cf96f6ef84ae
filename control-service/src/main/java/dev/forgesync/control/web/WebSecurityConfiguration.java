package dev.forgesync.control.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;

import dev.forgesync.control.ops.SignInThrottle;

/**
 * Who may see and do what, in two chains.
 * <ul>
 *   <li>{@code /api/**} and {@code /actuator/**}: Spring Security stands aside. The ops API keeps its bearer tokens,
 *       checked by the ops package's own filter, which runs before this chain; no session, no cookie, no CSRF
 *       (a bearer header is not sent by a browser on its own, so cross-site forgery does not apply).</li>
 *   <li>the status page: sign-in with the admin or read token through a form POST, then a session cookie (HttpOnly,
 *       SameSite=Strict: {@code server.servlet.session.cookie.*}); CSRF tokens on every POST (Thymeleaf's
 *       {@code th:action} forms carry them); Resync and Retry for the admin role only; a strict
 *       Content-Security-Policy (the app's own CSS and one script, nothing inline, no other origin). Optionally
 *       ({@code forgesync.web.proxy.*}) the user named by a single sign-on proxy's header, from trusted proxy
 *       addresses only ({@link ProxySignIn}).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class WebSecurityConfiguration {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain apiAndActuator(HttpSecurity http) throws Exception {
        http.securityMatcher("/api/**", "/actuator/**")
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .securityContext(context -> context.disable())
                .anonymous(anonymous -> anonymous.disable());
        return http.build();
    }

    /**
     * The form's tokens are checked by {@link TokenSignIn}, the one {@code AuthenticationProvider} bean, which Spring
     * Boot makes the application's authentication manager; adding it to this chain as well would have it asked twice
     * for every wrong token (the chain's manager, then its parent).
     */
    @Bean
    @Order(2)
    SecurityFilterChain statusPage(HttpSecurity http, ProxySignInProperties proxy,
            @Value("${server.servlet.session.cookie.name:JSESSIONID}") String cookie) throws Exception {
        if (proxy.enabled()) {
            http.addFilterAt(new ProxySignIn(proxy), AbstractPreAuthenticatedProcessingFilter.class);
        }
        http.authorizeHttpRequests(authorize -> authorize
                        .requestMatchers("/signin", "/css/**", "/js/**", "/favicon.svg", "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/repositories/*/resync", "/repositories/*/retry")
                        .hasAuthority(TokenSignIn.ADMIN)
                        .anyRequest().hasAuthority(TokenSignIn.READ))
                .formLogin(form -> form.loginPage("/signin").loginProcessingUrl("/signin")
                        .usernameParameter("operator").passwordParameter("token")
                        .defaultSuccessUrl("/", false).failureHandler(WebSecurityConfiguration::signInFailed))
                .logout(logout -> logout.logoutUrl("/signout").logoutSuccessUrl("/signin?signedout")
                        .deleteCookies(cookie))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CSP)));
        return http.build();
    }

    /** A wrong token goes back to the form; a throttled address gets 429 with {@code Retry-After}. */
    private static void signInFailed(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException failure) throws IOException {
        if (failure instanceof TokenSignIn.Throttled throttled) {
            response.setHeader(HttpHeaders.RETRY_AFTER,
                    Long.toString(SignInThrottle.retryAfterSeconds(throttled.retryAfter())));
            response.sendError(HttpStatus.TOO_MANY_REQUESTS.value(), "Too many wrong tokens");
            return;
        }
        response.sendRedirect(request.getContextPath() + "/signin?error");
    }
}
