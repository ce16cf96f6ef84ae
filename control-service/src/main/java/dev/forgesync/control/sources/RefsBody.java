package dev.forgesync.control.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * {@code "refs"} of {@code POST /api/sources}, read strictly: {@code {"branches": {"include": [...], "exclude":
 * [...]}, "tags": {...}}}, each member optional; anything else (an unknown field, a glob that is not a string) is
 * refused with its name, never ignored, so a typo cannot silently mirror every ref.
 */
final class RefsBody {

    private static final Set<String> KINDS = Set.of("branches", "tags");
    private static final Set<String> LISTS = Set.of("include", "exclude");

    private RefsBody() {
    }

    static MirrorPolicy.Refs read(JsonNode refs) {
        if (refs == null || refs.isNull()) {
            return null;
        }
        requireObject(refs, "refs", KINDS);
        return new MirrorPolicy.Refs(globs(refs.get("branches"), "refs.branches"), globs(refs.get("tags"), "refs.tags"));
    }

    private static MirrorPolicy.Globs globs(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, where, LISTS);
        return new MirrorPolicy.Globs(strings(node.get("include"), where + ".include"),
                strings(node.get("exclude"), where + ".exclude"));
    }

    private static List<String> strings(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("'" + where + "' must be an array of globs");
        }
        List<String> globs = new ArrayList<>();
        for (JsonNode glob : node) {
            if (!glob.isString()) {
                throw new IllegalArgumentException("'" + where + "' must be an array of globs (strings)");
            }
            globs.add(glob.asString());
        }
        return globs;
    }

    private static void requireObject(JsonNode node, String where, Set<String> members) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("'" + where + "' must be an object with " + String.join(" and ",
                    members.stream().sorted().toList()));
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!members.contains(member.getKey())) {
                throw new IllegalArgumentException("'" + where + "' has an unknown member '" + member.getKey()
                        + "' (it takes " + String.join(" and ", members.stream().sorted().toList()) + ")");
            }
        }
    }
}
