package dev.forgesync.control.web;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

import dev.forgesync.control.ops.OpsForPages;
import dev.forgesync.control.ops.OpsForPages.Access;
import dev.forgesync.control.ops.SignInThrottle;

/**
 * The sign-in form's check: the token typed in is the ops API's admin or read token, decided by the same code that
 * guards {@code /api} ({@link OpsForPages#accessOf}). The session then holds only the role, never the token; a wrong
 * token is a {@link BadCredentialsException} and a WARN that names no token. Wrong tokens count against the client's
 * address with the ops API's ({@link SignInThrottle}): past the limit the form is refused ({@link Throttled}, 429)
 * before the token is compared.
 */
@Component
class TokenSignIn implements AuthenticationProvider {

    static final String ADMIN = "ROLE_ADMIN";
    static final String READ = "ROLE_READ";

    private static final Logger log = LoggerFactory.getLogger(TokenSignIn.class);

    /** The signed-in operator: only which token they used. */
    record Operator(Access access) {
        String label() {
            return access == Access.ADMIN ? "admin" : "read-only";
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /** Too many wrong tokens from this address: try again after {@code retryAfter}. */
    static final class Throttled extends AuthenticationException {
        private final transient Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("too many wrong tokens from this address");
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    private final OpsForPages ops;
    private final SignInThrottle throttle;

    TokenSignIn(OpsForPages ops, SignInThrottle throttle) {
        this.ops = ops;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : "unknown";
        Optional<Duration> refused = throttle.refusedFor(address);
        if (refused.isPresent()) {
            log.warn("status page: sign-in from {} refused (too many wrong tokens)", address);
            throw new Throttled(refused.get());
        }
        Object credentials = authentication.getCredentials();
        Access access = credentials == null ? Access.NONE : ops.accessOf(credentials.toString());
        if (access == Access.NONE) {
            throttle.failed(address);
            log.warn("status page: sign-in refused ({})", ops.signInPossible() ? "not the admin or the read token"
                    : "no ops token is configured");
            throw new BadCredentialsException("not the admin or the read token");
        }
        List<GrantedAuthority> roles = access == Access.ADMIN
                ? List.of(new SimpleGrantedAuthority(ADMIN), new SimpleGrantedAuthority(READ))
                : List.of(new SimpleGrantedAuthority(READ));
        Operator operator = new Operator(access);
        log.info("status page: signed in with the {} token", operator.label());
        return UsernamePasswordAuthenticationToken.authenticated(operator, null, roles);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
