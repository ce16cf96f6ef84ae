package dev.forgesync.control.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProxySignInPropertiesTest {

    @Test
    void theProxyModeWithoutTrustedProxiesStopsStartUpWithTheReason() {
        assertThatThrownBy(() -> properties(true, List.of(" ", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FORGESYNC_WEB_PROXY_TRUSTED_PROXIES").hasMessageContaining("not an identity");
    }

    @Test
    void aTrustedProxyThatIsNotAnAddressOrRangeStopsStartUp() {
        assertThatThrownBy(() -> properties(true, List.of("proxy.example.com/33")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offByDefaultNeedsNoProxies() {
        assertThat(properties(false, List.of()).trustedProxies()).isEmpty();
        assertThat(properties(true, List.of(" 10.0.0.5 ", "172.18.0.0/16")).trustedProxies())
                .containsExactly("10.0.0.5", "172.18.0.0/16");
    }

    private static ProxySignInProperties properties(boolean enabled, List<String> proxies) {
        return new ProxySignInProperties(enabled, "X-Forwarded-User", "X-Forwarded-Groups", proxies, List.of(),
                List.of());
    }
}
