package halo.config.source;

import static org.assertj.core.api.Assertions.assertThat;

import halo.testing.Gen;
import halo.testing.Property;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The reader's fast path for plain lines must cut them exactly as keepalived's full read_line path does. */
class FastPathTest {

    static final int TRIES = 400;

    /**
     * The property runs in a JVM of its own ({@link #main}): a generated configuration on which the reader never ends
     * then fails this test, naming the input, instead of leaving a runaway thread in the shared test JVM.
     */
    @Test
    void theFastPathGivesTheSameTreeTextsAndDiagnosticsAsTheFullPath() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("halo.seed") != null) {
            command.add("-Dhalo.seed=" + System.getProperty("halo.seed"));
        }
        command.add(FastPathTest.class.getName());
        Path output = Files.createTempFile("halo-fastpath", ".txt");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            boolean finished = child.waitFor(180, TimeUnit.SECONDS);
            String text = Files.readString(output);
            assertThat(finished).as("the property did not finish in 180 s:%n%s", text).isTrue();
            assertThat(child.exitValue()).as("the property failed:%n%s", text).isZero();
            assertThat(text).contains(TRIES + " tries passed");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
    }

    /** The property itself; a watchdog ends this JVM, printing the input, when one case takes more than 20 s. */
    public static void main(String[] args) {
        AtomicReference<String> current = new AtomicReference<>();
        AtomicLong since = new AtomicLong(System.nanoTime());
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - since.get() > TimeUnit.SECONDS.toNanos(20)) {
                    System.out.println("the reader did not finish in 20 s on:\n" + current.get());
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        });
        Property.forAll(TRIES, FastPathTest::config, text -> {
            current.set(text);
            since.set(System.nanoTime());
            ConfigReader.Options options = Reading.options("main");
            ConfigReader.Result fast = ConfigReader.read(text, Path.of("t.conf"), options, true);
            ConfigReader.Result full = ConfigReader.read(text, Path.of("t.conf"), options, false);
            assertThat(fast.statements()).isEqualTo(full.statements());
            assertThat(fast.diagnostics()).isEqualTo(full.diagnostics());
        });
        watchdog.interrupt();
        System.out.println(TRIES + " tries passed");
    }

    private static final List<String> PIECES = List.of("virtual_server", "192.0.2.1", "80", "{", "}", " ", "  ", "\t",
            "#c", "!", "\"q w\"", "$V", "${V}", "$V=7", "@main", "@^main", "~SEQ(i,1,2)", "x$i", "include", "\\", "\\#",
            "中文", "\r", "\f", "weight", "1", "TCP_CHECK");

    /** 1 to 12 lines, each 0 to 6 pieces. */
    static String config(Gen g) {
        List<String> lines = g.listOf(1, 12, x -> String.join("", interleave(x.listOf(0, 6, y -> y.oneOf(PIECES)))));
        return String.join("\n", lines) + "\n";
    }

    private static List<String> interleave(List<String> pieces) {
        return pieces.stream().map(p -> p + (p.hashCode() % 3 == 0 ? "" : " ")).toList();
    }

    @Test
    void plainLinesWithBraces() {
        String text = "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80{\n weight 1\n  }\n}\n\n  \t \n}\n";
        ConfigReader.Options options = Reading.options("main");
        ConfigReader.Result fast = ConfigReader.read(text, Path.of("t.conf"), options, true);
        assertThat(fast.statements()).isEqualTo(ConfigReader.read(text, Path.of("t.conf"), options, false).statements());
        assertThat(Reading.render(fast)).containsExactly(
                "virtual_server 192.0.2.1 80 {", "  real_server 192.0.2.2 80 {", "    weight 1", "  }", "}");
    }
}
