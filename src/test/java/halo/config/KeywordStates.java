package halo.config;

import halo.config.source.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What Halo does with each keyword keepalived 2.2.7 installs (src/test/resources/keepalived-2.2.7/keywords.txt):
 * asked of Halo's own parser, through its keyword tables, by reading the keyword alone in its block. The README's
 * keyword table is made from it (see {@link KeywordTableReadmeTest}).
 */
final class KeywordStates {
    private KeywordStates() {}

    static final Path KEYWORDS = Path.of("src/test/resources/keepalived-2.2.7/keywords.txt");

    enum State {
        /** Halo reads it and it changes what Halo does. */
        ACTS,
        /** Halo reads it, does nothing with it, and says so: "accepted but not used by Halo" (halo check exits 5). */
        WARNS,
        /** Halo refuses a configuration with it (cannot run). */
        REFUSES,
        /** Halo calls it unknown. */
        UNKNOWN
    }

    /** keepalived's keyword paths (block/block/keyword), in keepalived's order. */
    static List<String> keepalivedKeywords() {
        try {
            return Files.readAllLines(KEYWORDS).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("\t")[0]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Block paths: keywords that other keywords sit in. */
    static Set<String> blocks(List<String> paths) {
        return paths.stream().filter(p -> p.contains("/")).map(p -> p.substring(0, p.lastIndexOf('/')))
                .collect(Collectors.toSet());
    }

    /** The opening line keepalived and Halo need for a block (its name or address). */
    static String header(String block) {
        return switch (block) {
            case "vrrp_instance" -> "vrrp_instance VI_1";
            case "vrrp_sync_group" -> "vrrp_sync_group G";
            case "vrrp_script" -> "vrrp_script S";
            case "vrrp_track_process" -> "vrrp_track_process P";
            case "track_file" -> "track_file F";
            case "vrrp_track_file" -> "vrrp_track_file F";
            case "bfd_instance" -> "bfd_instance B";
            case "virtual_server" -> "virtual_server 192.0.2.1 80";
            case "real_server" -> "real_server 192.0.2.2 80";
            case "virtual_server_group" -> "virtual_server_group VG";
            case "track_group" -> "track_group T";
            case "garp_group" -> "garp_group";
            default -> block;
        };
    }

    /** The keyword alone in its block, with a value: a configuration of a few lines; the keyword's line number. */
    static String probe(String path, Set<String> blocks) {
        String[] parts = path.split("/");
        StringBuilder text = new StringBuilder();
        for (int d = 0; d < parts.length - 1; d++) {
            text.append("  ".repeat(d)).append(header(parts[d])).append(" {\n");
        }
        String leaf = parts[parts.length - 1];
        text.append("  ".repeat(parts.length - 1));
        if (blocks.contains(path)) {
            text.append(header(leaf)).append(" {\n").append("  ".repeat(parts.length - 1)).append("}\n");
        } else {
            text.append(leaf).append(" 1\n");
        }
        for (int d = parts.length - 2; d >= 0; d--) {
            text.append("  ".repeat(d)).append("}\n");
        }
        return text.toString();
    }

    /** Each keepalived keyword's state in Halo, in keepalived's order. */
    private static Map<String, State> cached;

    /** {@link #states(Path)}, asked once per test run (about 500 small configurations). */
    static synchronized Map<String, State> states() {
        if (cached == null) {
            try {
                Path dir = Files.createTempDirectory("halo-keyword-probe");
                cached = states(dir);
                Files.delete(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    static Map<String, State> states(Path dir) {
        List<String> paths = keepalivedKeywords();
        Set<String> blocks = blocks(paths);
        Map<String, State> out = new LinkedHashMap<>();
        for (String path : paths) {
            State own = state(dir, path, probe(path, blocks));
            // a keyword inside a block Halo does not use (bfd_instance, garp_group...) is not used either
            State parent = path.contains("/") ? out.get(path.substring(0, path.lastIndexOf('/'))) : null;
            if (own == State.ACTS && parent != null && parent != State.ACTS) {
                own = parent;
            }
            out.put(path, own);
        }
        return out;
    }

    static State state(Path dir, String path, String text) {
        String leaf = path.substring(path.lastIndexOf('/') + 1);
        int line = path.split("/").length;
        LoadResult r;
        try {
            Path f = Files.createTempFile(dir, "probe", ".conf");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            r = ConfigLoader.load(f, new LoadOptions("test", false));
            Files.delete(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Diagnostic> at = new ArrayList<>();
        for (Diagnostic d : r.diagnostics()) {
            if (d.location() != null && d.location().line() == line) {
                at.add(d);
            }
        }
        if (at.stream().anyMatch(d -> d.message().equals("Unknown keyword '" + leaf + "'"))) {
            return State.UNKNOWN;
        }
        if (at.stream().anyMatch(d -> d.severity().cannotRun() && d.message().contains("not supported by Halo"))) {
            return State.REFUSES;
        }
        if (at.stream().anyMatch(d -> d.message().contains("accepted but not used by Halo"))) {
            return State.WARNS;
        }
        return State.ACTS;
    }
}
