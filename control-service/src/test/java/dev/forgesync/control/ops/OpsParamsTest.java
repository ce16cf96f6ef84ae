package dev.forgesync.control.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpsParamsTest {

    @Test
    void theOffsetOfTheLastPageOfTheLargestPageSizeDoesNotOverflow() {
        OpsParams.PageRequest last = OpsParams.page(1_000_000, 5_000, 50, 5_000);

        assertThat(last.offset()).isEqualTo(5_000_000_000L);
    }
}
