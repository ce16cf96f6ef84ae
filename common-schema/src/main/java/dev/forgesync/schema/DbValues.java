package dev.forgesync.schema;

import java.util.function.Function;

/** Maps a stored text value back to its enum constant, failing loudly on a value the schema does not allow. */
final class DbValues {

    private DbValues() {
    }

    static <E extends Enum<E>> E lookup(E[] constants, Function<E, String> dbValue, String value, String column) {
        for (E constant : constants) {
            if (dbValue.apply(constant).equals(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + column + " value: " + value);
    }
}
