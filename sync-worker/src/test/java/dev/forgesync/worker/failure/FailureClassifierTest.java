package dev.forgesync.worker.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;

import dev.forgesync.requests.InvalidSyncRequestException;

/** One line per failure: what it is, and whether a later attempt may succeed. */
class FailureClassifierTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(edge("onedev_http_500", true), "onedev_http_500", true),
                Arguments.of(edge("onedev_http_401", false), "onedev_http_401", false),
                Arguments.of(edge("source_not_found", false), "source_not_found", false),
                Arguments.of(new RuntimeException("wrapped", edge("git_transfer_failed", true)), "git_transfer_failed", true),
                Arguments.of(new IllegalStateException("outer", new RuntimeException(edge("push_rejected", false))), "push_rejected", false),
                Arguments.of(new InvalidSyncRequestException("bad json"), "invalid_request", false),
                Arguments.of(new SocketTimeoutException("read timed out"), "io_error", true),
                Arguments.of(new UncheckedIOException(new ConnectException("refused")), "io_error", true),
                Arguments.of(new QueryTimeoutException("slow"), "database_transient", true),
                Arguments.of(new DataIntegrityViolationException("constraint"), "database", false),
                Arguments.of(new org.springframework.jdbc.CannotGetJdbcConnectionException("refused"), "database_unavailable", true),
                Arguments.of(new org.springframework.dao.DataAccessResourceFailureException("terminating connection due to administrator command"),
                        "database_unavailable", true),
                Arguments.of(new IllegalArgumentException("a bug"), "unexpected", true));
    }

    @ParameterizedTest(name = "{1} retryable={2}")
    @MethodSource("failures")
    void classifiesByTheFirstKnownCauseInTheChain(Throwable failure, String code, boolean retryable) {
        FailureClass c = FailureClassifier.classify(failure);
        assertThat(c.code()).isEqualTo(code);
        assertThat(c).isInstanceOf(retryable ? FailureClass.Retryable.class : FailureClass.Permanent.class);
    }

    @org.junit.jupiter.api.Test
    void survivesACyclicCauseChain() {
        IOException a = new IOException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(FailureClassifier.classify(new RuntimeException(b)).code()).isEqualTo("io_error");
    }

    private static SyncException edge(String code, boolean retryable) {
        return new SyncException(code + " happened", null) {
            @Override
            public String code() {
                return code;
            }

            @Override
            public boolean retryable() {
                return retryable;
            }
        };
    }
}
