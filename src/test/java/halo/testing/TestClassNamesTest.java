package halo.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Surefire runs only classes named *Test: a class with test methods under any other name compiles and never runs
 * (the codec's fuzzing and the LVS table's model check once sat unnoticed that way). This lists every such class.
 */
class TestClassNamesTest {

    /** A JUnit test method annotation at the start of a line, short or fully qualified. */
    private static final Pattern TEST_METHOD = Pattern.compile(
            "^\\s*@(org\\.junit\\.jupiter\\.(api|params)\\.)?(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b",
            Pattern.MULTILINE);

    @Test
    void everyClassWithTestMethodsIsNamedSoSurefireRunsIt() throws IOException {
        List<Path> withTests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (TEST_METHOD.matcher(Files.readString(f)).find()) {
                    withTests.add(f);
                }
            }
        }
        // the scan itself must see the suite, or an empty list proves nothing
        assertThat(withTests).hasSizeGreaterThan(50);
        assertThat(withTests).filteredOn(f -> !f.getFileName().toString().endsWith("Test.java"))
                .as("classes with test methods that surefire skips (name them *Test)")
                .isEmpty();
    }

    @Test
    void theScanSeesEveryFormOfTestMethod() {
        for (String s : List.of("  @Test\n", "@org.junit.jupiter.api.Test void x()", "\t@ParameterizedTest\n",
                "    @RepeatedTest(3)\n", "@TestFactory\n")) {
            assertThat(TEST_METHOD.matcher(s).find()).as(s).isTrue();
        }
        for (String s : List.of("// @Test\n", "import org.junit.jupiter.api.Test;\n", "@Tested\n")) {
            assertThat(TEST_METHOD.matcher(s).find()).as(s).isFalse();
        }
    }
}
