package dev.forgesync.control.ops;

import java.util.List;

/** One page of a list answer: the items, where they sit, and how many match in all. */
record Page<T>(List<T> items, int page, int size, long total) {
}
