package dev.forgesync.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for a secret everywhere it must never be: every file under the given folders (logs, mirror caches), and
 * every row of every table in the public schema (each row as text, so JSONB payloads and error messages count).
 */
final class CanaryScan {

    record Findings(int scannedFiles, int scannedDatabaseValues, List<String> hits) {
    }

    private final byte[] needle;
    private final String text;
    private final List<Path> roots = new ArrayList<>();
    private Pipeline database;

    private CanaryScan(String canary) {
        this.text = canary;
        this.needle = canary.getBytes(StandardCharsets.UTF_8);
    }

    static CanaryScan of(String canary) {
        return new CanaryScan(canary);
    }

    CanaryScan files(Path root) {
        roots.add(root);
        return this;
    }

    CanaryScan file(Path file) {
        roots.add(file);
        return this;
    }

    CanaryScan files(Collection<Path> dirs) {
        roots.addAll(dirs);
        return this;
    }

    CanaryScan database(Pipeline pipeline) {
        this.database = pipeline;
        return this;
    }

    Findings scan() {
        List<String> hits = new ArrayList<>();
        int files = 0;
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.filter(Files::isRegularFile).toList()) {
                    files++;
                    if (contains(Files.readAllBytes(p))) {
                        hits.add(p.toString());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        int values = 0;
        if (database != null) {
            List<Map<String, Object>> tables = database.query(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
            for (Map<String, Object> t : tables) {
                String table = (String) t.get("tablename");
                for (Map<String, Object> row : database.query("SELECT t::text AS v FROM \"" + table + "\" t")) {
                    values++;
                    if (String.valueOf(row.get("v")).contains(text)) {
                        hits.add("table " + table + ": " + row.get("v"));
                    }
                }
            }
        }
        return new Findings(files, values, hits);
    }

    private boolean contains(byte[] haystack) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
