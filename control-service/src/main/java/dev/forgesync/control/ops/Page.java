package dev.forgesync.control.ops;

import java.util.List;

/**
 * One page of a list answer: the items, where they sit, and how many match. {@code total} is exact up to the
 * configured count limit; beyond it {@code total} is that limit and {@code totalCapped} is true (counting millions
 * of rows for a number nobody reads cost seconds). {@code hasMore} says whether a next page exists;
 * {@code nextCursor}, on lists ordered by a unique key, is the {@code after} value that fetches it from an index.
 */
record Page<T>(List<T> items, int page, int size, long total, boolean totalCapped, boolean hasMore,
        String nextCursor) {
}
