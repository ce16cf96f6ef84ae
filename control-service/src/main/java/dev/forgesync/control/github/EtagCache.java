package dev.forgesync.control.github;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers kept with their ETag, by URL, so the next request for the URL is conditional ({@code If-None-Match}) and a
 * 304 (free against the rate limit) can be served from here. Bounded: the least recently used go first. Kept in
 * memory: after a restart the first pass pays full price once.
 */
final class EtagCache {

    record Entry(String etag, String body, String next) {
    }

    private final Map<String, Entry> entries;

    EtagCache(int capacity) {
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Entry get(String url) {
        return entries.get(url);
    }

    synchronized void put(String url, Entry entry) {
        entries.put(url, entry);
    }
}
