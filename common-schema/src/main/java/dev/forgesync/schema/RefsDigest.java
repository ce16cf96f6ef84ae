package dev.forgesync.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What "the mirror is current" is compared on, agreed by sync-worker (which records it after pushing) and
 * control-service (which computes it from the source's ref advertisement): the SHA-256, in hex, of the lines
 * {@code <ref name> <object id>\n} of every {@code refs/heads/*} and {@code refs/tags/*} ref, sorted by name. Peeled
 * entries ({@code ^{}}) and every other ref ({@code HEAD}, {@code refs/pull/*}) are left out: they are not mirrored.
 */
public final class RefsDigest {

    private RefsDigest() {
    }

    /** Whether a ref is one the mirror carries. */
    public static boolean mirrored(String refName) {
        return (refName.startsWith("refs/heads/") || refName.startsWith("refs/tags/")) && !refName.endsWith("^{}");
    }

    /** The digest of these refs (name to object id; refs the mirror does not carry are ignored). */
    public static String of(Map<String, String> refs) {
        TreeMap<String, String> sorted = new TreeMap<>();
        refs.forEach((name, id) -> {
            if (mirrored(name)) {
                sorted.put(name, id);
            }
        });
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sorted.forEach((name, id) -> sha.update((name + " " + id + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** How many refs of these the mirror carries. */
    public static int count(Map<String, String> refs) {
        return (int) refs.keySet().stream().filter(RefsDigest::mirrored).count();
    }
}
