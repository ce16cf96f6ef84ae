package dev.forgesync.control.web;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationProvider;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedGrantedAuthoritiesUserDetailsService;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedGrantedAuthoritiesWebAuthenticationDetails;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Spring Security's pre-authentication for the status page behind a single sign-on proxy: on a connection from a
 * trusted proxy, the user named in the configured header is signed in (checked again on every request: a different
 * user through the same browser session replaces the first, and a user whose groups no longer make them an admin is
 * read-only from their next request), with the admin role when their name or one of their groups is listed, else
 * read-only. From any other address the header is ignored and the token sign-in applies.
 */
final class ProxySignIn extends AbstractPreAuthenticatedProcessingFilter {

    private static final Logger log = LoggerFactory.getLogger(ProxySignIn.class);

    private final ProxySignInProperties properties;
    private final List<IpAddressMatcher> proxies;

    ProxySignIn(ProxySignInProperties properties) {
        this.properties = properties;
        this.proxies = properties.trustedProxies().stream().map(IpAddressMatcher::new).toList();
        PreAuthenticatedAuthenticationProvider provider = new PreAuthenticatedAuthenticationProvider();
        provider.setPreAuthenticatedUserDetailsService(new PreAuthenticatedGrantedAuthoritiesUserDetailsService());
        setAuthenticationManager(new ProviderManager(provider));
        setAuthenticationDetailsSource(request -> new PreAuthenticatedGrantedAuthoritiesWebAuthenticationDetails(
                request, roles(request)));
        setCheckForPrincipalChanges(true);
        setContinueFilterChainOnUnsuccessfulAuthentication(true);
    }

    @Override
    protected Object getPreAuthenticatedPrincipal(HttpServletRequest request) {
        if (!hasUserHeader(request)) {
            return null;
        }
        if (!fromTrustedProxy(request)) {
            log.warn("status page: {} header from {} ignored (not a trusted proxy)", properties.userHeader(),
                    request.getRemoteAddr());
            return null;
        }
        return request.getHeader(properties.userHeader()).strip();
    }

    private boolean hasUserHeader(HttpServletRequest request) {
        String user = request.getHeader(properties.userHeader());
        return user != null && !user.isBlank();
    }

    @Override
    protected Object getPreAuthenticatedCredentials(HttpServletRequest request) {
        return "N/A";
    }

    @Override
    protected boolean principalChanged(HttpServletRequest request, Authentication current) {
        if (!hasUserHeader(request) || !fromTrustedProxy(request)) {
            return false;
        }
        return super.principalChanged(request, current)
                || !new HashSet<>(roles(request)).equals(new HashSet<>(current.getAuthorities()));
    }

    @Override
    protected void successfulAuthentication(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException, ServletException {
        log.info("status page: {} signed in by the proxy ({})", authentication.getName(),
                authentication.getAuthorities().stream().anyMatch(a -> TokenSignIn.ADMIN.equals(a.getAuthority()))
                        ? "admin" : "read-only");
        super.successfulAuthentication(request, response, authentication);
    }

    private boolean fromTrustedProxy(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        return proxies.stream().anyMatch(proxy -> proxy.matches(address));
    }

    private Collection<GrantedAuthority> roles(HttpServletRequest request) {
        String user = String.valueOf(getPreAuthenticatedPrincipal(request));
        String groups = request.getHeader(properties.groupsHeader());
        boolean admin = properties.adminUsers().contains(user) || (groups != null && Arrays.stream(groups.split(","))
                .map(String::strip).anyMatch(properties.adminGroups()::contains));
        return admin ? List.of(new SimpleGrantedAuthority(TokenSignIn.ADMIN), new SimpleGrantedAuthority(TokenSignIn.READ))
                : List.of(new SimpleGrantedAuthority(TokenSignIn.READ));
    }
}
