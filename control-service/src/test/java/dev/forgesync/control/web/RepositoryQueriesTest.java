package dev.forgesync.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepositoryQueriesTest {

    @Test
    void searchesForTheTextItselfNotForLikeWildcards() {
        assertThat(RepositoryQueries.containsPattern("a_b%c\\d")).isEqualTo("%a\\_b\\%c\\\\d%");
    }
}
