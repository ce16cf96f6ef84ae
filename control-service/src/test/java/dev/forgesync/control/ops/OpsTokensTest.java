package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpsTokensTest {

    private static final String ADMIN = "admin-0123456789abcdef";
    private static final String READ = "read-0123456789abcdef";

    private final OpsTokens tokens = new OpsTokens(new OpsProperties(ADMIN, READ, 500, 10_000, 10_000));

    @Test
    void bearerTokensGrantTheirAccess() {
        assertThat(tokens.accessOf("Bearer " + ADMIN)).isEqualTo(OpsTokens.Access.ADMIN);
        assertThat(tokens.accessOf("bearer " + READ)).isEqualTo(OpsTokens.Access.READ);
        assertThat(tokens.accessOf("Bearer  " + READ + " ")).isEqualTo(OpsTokens.Access.READ);
    }

    @Test
    void anythingElseGrantsNothing() {
        assertThat(tokens.accessOf(null)).isEqualTo(OpsTokens.Access.NONE);
        assertThat(tokens.accessOf("")).isEqualTo(OpsTokens.Access.NONE);
        assertThat(tokens.accessOf("Bearer ")).isEqualTo(OpsTokens.Access.NONE);
        assertThat(tokens.accessOf(ADMIN)).isEqualTo(OpsTokens.Access.NONE);
        assertThat(tokens.accessOf("Basic " + ADMIN)).isEqualTo(OpsTokens.Access.NONE);
        assertThat(tokens.accessOf("Bearer " + ADMIN.substring(1))).isEqualTo(OpsTokens.Access.NONE);
        assertThat(tokens.accessOf("Bearer " + ADMIN.toUpperCase())).isEqualTo(OpsTokens.Access.NONE);
    }

    @Test
    void withoutConfiguredTokensTheApiIsDisabled() {
        OpsTokens none = new OpsTokens(new OpsProperties(null, "", 500, 10_000, 10_000));

        assertThat(none.enabled()).isFalse();
        assertThat(none.accessOf("Bearer ")).isEqualTo(OpsTokens.Access.NONE);
        assertThat(none.accessOf("Bearer anything-at-all-0123456")).isEqualTo(OpsTokens.Access.NONE);
    }

    @Test
    void refusesShortOrEqualTokensAndKeepsThemOutOfToString() {
        assertThatThrownBy(() -> new OpsProperties("short", null, 500, 10_000, 10_000)).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> new OpsProperties(ADMIN, ADMIN, 500, 10_000, 10_000)).hasMessageContaining("must differ");
        assertThat(new OpsProperties(ADMIN, READ, 500, 10_000, 10_000).toString()).doesNotContain(ADMIN, READ);
    }
}
