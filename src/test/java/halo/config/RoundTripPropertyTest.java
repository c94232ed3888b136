package halo.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import halo.testing.Property;
import org.junit.jupiter.api.Test;

/** dump-conf's promise (a property over generated models, on the project's seeded runner): loading ConfigWriter's text gives back an equal model, with nothing to correct. */
class RoundTripPropertyTest {

    @Test
    void writtenModelsLoadBackEqual() {
        Property.forAll(200, g -> new ModelGenerator(g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE)).config(),
                RoundTripPropertyTest::loadsBackEqual);
    }

    static void loadsBackEqual(KeepalivedConfig model) {
        try {
            check(model);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void check(KeepalivedConfig model) throws Exception {
        String text = ConfigWriter.write(model);
        Path file = Files.createTempFile("halo-roundtrip", ".conf");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            // not --strict: it refuses the keywords Halo accepts but does not use, which dump-conf writes back; any
            // other diagnostic (an unknown keyword among them) still fails
            LoadResult loaded = ConfigLoader.load(file, new LoadOptions("test", false));
            assertThat(loaded.diagnostics().stream().filter(d -> !d.message().endsWith(Loading.NOT_USED)).toList())
                    .as("diagnostics for\n%s", text).isEmpty();
            assertThat(firstDifference("config", model, loaded.config())).as("model after reload").isNull();
            assertThat(ConfigWriter.write(loaded.config())).isEqualTo(text);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The path to the first component that differs, with both values, or null when equal (keeps failures readable). */
    static String firstDifference(String path, Object a, Object b) throws Exception {
        if (a == null || b == null || a.equals(b)) {
            return a == b || (a != null && a.equals(b)) ? null : path + ": " + a + " <> " + b;
        }
        if (a instanceof Record && a.getClass() == b.getClass()) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                String d = firstDifference(path + "." + c.getName(), c.getAccessor().invoke(a), c.getAccessor().invoke(b));
                if (d != null) {
                    return d;
                }
            }
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return path + ": size " + la.size() + " <> " + lb.size();
            }
            for (int i = 0; i < la.size(); i++) {
                String d = firstDifference(path + "[" + i + "]", la.get(i), lb.get(i));
                if (d != null) {
                    return d;
                }
            }
        }
        return path + ": " + a + " <> " + b;
    }
}
