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

/**
 * The sign-in form's check: the token typed in is the ops API's admin or read token, decided by the same code that
 * guards {@code /api} ({@link TokenCheck}, backed by the ops package's {@code OpsTokens}). The session then holds
 * only the role, never the token; a wrong token is a {@link BadCredentialsException} and a WARN without the token.
 */
final class TokenSignIn implements AuthenticationProvider {

    static final String ADMIN = "ROLE_ADMIN";
    static final String READ = "ROLE_READ";

    private static final Logger log = LoggerFactory.getLogger(TokenSignIn.class);

    /** What a presented token may do. */
    enum Access { NONE, READ, ADMIN }

    /** The ops tokens' decision for a bare token (not an Authorization header). */
    @FunctionalInterface
    interface TokenCheck {
        Access accessOf(String token);
    }

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

    private final TokenCheck tokens;

    TokenSignIn(TokenCheck tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Object credentials = authentication.getCredentials();
        Access access = credentials == null ? Access.NONE : tokens.accessOf(credentials.toString());
        if (access == Access.NONE) {
            log.warn("status page: sign-in refused (no or a wrong token)");
            throw new BadCredentialsException("That token is not the admin or the read token.");
        }
        List<GrantedAuthority> roles = access == Access.ADMIN
                ? List.of(new SimpleGrantedAuthority(ADMIN), new SimpleGrantedAuthority(READ))
                : List.of(new SimpleGrantedAuthority(READ));
        log.info("status page: signed in with the {} token", new Operator(access).label());
        return UsernamePasswordAuthenticationToken.authenticated(new Operator(access), null, roles);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
