package dev.forgesync.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SchemaEnumsTest {

    @Test
    void mapsEveryStoredValueBackToItsConstant() {
        Arrays.stream(SyncStatus.values()).forEach(s -> assertThat(SyncStatus.fromDb(s.dbValue())).isSameAs(s));
        Arrays.stream(SyncEventType.values()).forEach(e -> assertThat(SyncEventType.fromDb(e.dbValue())).isSameAs(e));
        Arrays.stream(SyncLogStatus.values()).forEach(s -> assertThat(SyncLogStatus.fromDb(s.dbValue())).isSameAs(s));
    }

    @Test
    void refusesAValueTheSchemaDoesNotAllow() {
        assertThatThrownBy(() -> SyncStatus.fromDb("done")).hasMessageContaining("unknown sync_status value: done");
    }

    @Test
    void treatsCompletedFailedAndPermanentFailureAsFinal() {
        assertThat(Arrays.stream(SyncStatus.values()).filter(SyncStatus::isFinal))
                .containsExactly(SyncStatus.COMPLETED, SyncStatus.FAILED, SyncStatus.PERMANENT_FAILURE);
    }
}
