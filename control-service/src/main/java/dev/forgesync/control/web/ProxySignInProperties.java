package dev.forgesync.control.web;

import java.util.List;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.validation.annotation.Validated;

/**
 * Sign-in by the operator's single sign-on reverse proxy (oauth2-proxy, an nginx or Traefik forward-auth): the
 * proxy authenticates the user and names them in a header; control-service believes that header only on connections
 * from {@code trusted-proxies}. Off by default; the token sign-in keeps working beside it.
 *
 * @param enabled        take the user from {@code user-header} on connections from a trusted proxy
 * @param userHeader     the header the proxy sets to the signed-in user's name (oauth2-proxy: {@code X-Forwarded-User}
 *                       or {@code X-Forwarded-Email})
 * @param groupsHeader   the header the proxy sets to the user's groups, comma-separated
 * @param trustedProxies the proxies' addresses or CIDR ranges ({@code 10.0.0.5}, {@code 172.18.0.0/16}); the header
 *                       from any other address is ignored. Required when enabled
 * @param adminUsers     users (as in {@code user-header}) who may resync and retry; everyone else only looks
 * @param adminGroups    groups (as in {@code groups-header}) whose members may resync and retry
 */
@Validated
@ConfigurationProperties("forgesync.web.proxy")
record ProxySignInProperties(
        @DefaultValue("false") boolean enabled,
        @NotBlank @DefaultValue("X-Forwarded-User") String userHeader,
        @NotBlank @DefaultValue("X-Forwarded-Groups") String groupsHeader,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("") List<String> adminUsers,
        @DefaultValue("") List<String> adminGroups) {

    ProxySignInProperties {
        trustedProxies = nonBlank(trustedProxies);
        adminUsers = nonBlank(adminUsers);
        adminGroups = nonBlank(adminGroups);
        if (enabled && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("forgesync.web.proxy.trusted-proxies (FORGESYNC_WEB_PROXY_TRUSTED_PROXIES)"
                    + " must name the proxy's addresses when forgesync.web.proxy.enabled is true: a header anyone can"
                    + " send is not an identity");
        }
        trustedProxies.forEach(IpAddressMatcher::new);
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }
}
