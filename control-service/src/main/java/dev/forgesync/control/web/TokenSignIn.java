package dev.forgesync.control.web;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

import dev.forgesync.control.ops.OpsForPages;
import dev.forgesync.control.ops.OpsForPages.Access;

/**
 * The sign-in form's check: the token typed in is the ops API's admin or read token, decided by the same code that
 * guards {@code /api} ({@link OpsForPages#accessOf}). The session then holds only the role, never the token; a wrong
 * token is a {@link BadCredentialsException} and a WARN that names no token.
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

    private final OpsForPages ops;

    TokenSignIn(OpsForPages ops) {
        this.ops = ops;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Object credentials = authentication.getCredentials();
        Access access = credentials == null ? Access.NONE : ops.accessOf(credentials.toString());
        if (access == Access.NONE) {
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
