package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameSearchTest {

    @Test
    void searchesForTheTextItselfNotForLikeWildcards() {
        assertThat(NameSearch.pattern("a_b%c\\d")).isEqualTo("%a\\_b\\%c\\\\d%");
    }
}
