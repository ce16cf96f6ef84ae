package dev.forgesync.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.yaml.snakeyaml.Yaml;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders a service's configuration reference (Markdown) from what the build knows: Spring Boot's configuration
 * metadata for forgesync's own {@code @ConfigurationProperties} records (type, default, the record's Javadoc) and the
 * service's {@code application.yml} for the Spring settings it sets. Each service has a test that keeps
 * {@code docs/configuration/<service>.md} equal to this rendering; {@code -Dforgesync.updateDocs=true} rewrites it.
 */
public final class ConfigurationReference {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigurationReference() {
    }

    /**
     * The reference of one service, from its module folder and the folders of the forgesync libraries it uses (such as
     * sync-requests, whose settings it reads too), all compiled so that their metadata exists.
     */
    public static String render(String service, Path moduleDir, Path... libraryDirs) {
        List<Path> metadata = new ArrayList<>();
        metadata.add(metadata(moduleDir));
        for (Path library : libraryDirs) {
            metadata.add(metadata(library));
        }
        Path yml = moduleDir.resolve("src/main/resources/application.yml");
        StringBuilder md = new StringBuilder();
        md.append("# ").append(service).append(" configuration\n\n")
          .append("Generated from the configuration records and `application.yml` by `ConfigurationReferenceTest` ")
          .append("(`./mvnw -pl ").append(service).append(" -am test -Dtest=ConfigurationReferenceTest ")
          .append("-Dsurefire.failIfNoSpecifiedTests=false -Dforgesync.updateDocs=true` rewrites it). Every property can be ")
          .append("set as an environment variable by Spring's relaxed binding: upper case, `.` and `-` as `_` ")
          .append("(the form shown; the dash-free form such as `FORGESYNC_MIRROR_CACHEDIR` works too).\n\n")
          .append("## forgesync properties\n\n")
          .append("| property | environment variable | type | default | meaning |\n| --- | --- | --- | --- | --- |\n");
        for (JsonNode p : properties(metadata)) {
            String name = p.get("name").asString();
            md.append("| `").append(name).append("` | `").append(envName(name)).append("` | ")
              .append(shortType(p.path("type").asString(""))).append(" | ")
              .append(p.has("defaultValue") ? "`" + p.get("defaultValue").asString() + "`" : "").append(" | ")
              .append(cell(p.path("description").asString(""))).append(" |\n");
        }
        md.append("\n## Spring settings forgesync sets (application.yml)\n\n")
          .append("| property | environment variable | value |\n| --- | --- | --- |\n");
        flatten("", load(yml)).forEach((key, value) -> {
            if (!key.startsWith("forgesync.")) {
                md.append("| `").append(key).append("` | `").append(envName(key)).append("` | `").append(value).append("` |\n");
            }
        });
        return md.toString();
    }

    /** Fails when {@code doc} differs from {@code rendered}; writes it instead with {@code -Dforgesync.updateDocs=true}. */
    public static void assertUpToDate(Path doc, String rendered) {
        try {
            if (Boolean.getBoolean("forgesync.updateDocs")) {
                Files.createDirectories(doc.getParent());
                Files.writeString(doc, rendered);
                return;
            }
            String committed = Files.exists(doc) ? Files.readString(doc) : "";
            if (!committed.equals(rendered)) {
                throw new AssertionError(doc + " is out of date with the configuration records; regenerate it with "
                        + "-Dforgesync.updateDocs=true (see its first lines) and commit it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String envName(String property) {
        return property.replace('.', '_').replace('-', '_').replace("[", "_").replace("]", "").toUpperCase(Locale.ROOT);
    }

    private static Path metadata(Path moduleDir) {
        return moduleDir.resolve("target/classes/META-INF/spring-configuration-metadata.json");
    }

    private static List<JsonNode> properties(List<Path> metadataFiles) {
        Map<String, JsonNode> byName = new TreeMap<>();
        for (Path metadata : metadataFiles) {
            if (!Files.exists(metadata)) {
                throw new IllegalStateException("no configuration metadata at " + metadata + " (is spring-boot-configuration-processor on the build?)");
            }
            JSON.readTree(metadata.toFile()).path("properties").forEach(p -> byName.put(p.get("name").asString(), p));
        }
        return new ArrayList<>(byName.values());
    }

    private static String shortType(String type) {
        String simple = type.replaceAll("[a-z0-9_.]+\\.(?=[A-Z])", "");
        return simple.isEmpty() ? "" : "`" + simple + "`";
    }

    private static String cell(String text) {
        return text.replaceAll("\\{@(?:code|link) ((?:[^{}]|\\{[^{}]*})*)}", "`$1`").replace("|", "\\|").replaceAll("\\s+", " ").trim();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Path yml) {
        try {
            Object root = new Yaml().load(Files.readString(yml));
            return root instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> flatten(String prefix, Map<String, Object> map) {
        Map<String, String> flat = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flat.putAll(flatten(name, (Map<String, Object>) nested));
            } else {
                flat.put(name, String.valueOf(value));
            }
        });
        return flat;
    }
}
