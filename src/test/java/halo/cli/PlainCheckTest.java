package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code halo check} without picocli (Main's fast path for plain command lines) says and exits exactly what the
 * picocli path says, and every other command line still goes to picocli.
 */
class PlainCheckTest {

    @TempDir
    Path dir;

    record Run(int status, String err) {}

    /** The picocli path, as Main ran every command line before the fast path. */
    static Run viaPicocli(List<String> args) {
        CommandLine cli = Main.commandLine(args);
        StringWriter err = new StringWriter();
        cli.getSubcommands().get("check").setErr(new PrintWriter(err));
        int status = cli.execute(args.toArray(String[]::new));
        return new Run(status, err.toString());
    }

    static Run viaPlain(List<String> args) {
        CheckCommand c = CheckCommand.plain(args.subList(1, args.size()));
        assertThat(c).as("plain command line %s", args).isNotNull();
        StringWriter err = new StringWriter();
        int status = c.runPlain(new PrintWriter(err));
        return new Run(status, err.toString());
    }

    @Test
    void plainCommandLinesSayWhatPicocliSays() throws Exception {
        Path valid = dir.resolve("valid.conf");
        Files.writeString(valid, "global_defs {\n    vrrp_version 3\n}\n");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, """
                global_defs {
                    vrrp_version 3
                    no_such_keyword 1
                @lb02 vrrp_version 2
                }
                virtual_server 203.0.113.1 80 {
                    lb_algo nope
                    real_server 192.0.2.300 80 {
                    }
                """);
        String missing = dir.resolve("missing.conf").toString();
        List<List<String>> lines = new ArrayList<>();
        for (Path f : List.of(valid, bad)) {
            lines.add(List.of("check", "-f", f.toString()));
            lines.add(List.of("check", "--use-file", f.toString(), "--strict"));
            lines.add(List.of("check", "--use-file=" + f, "-i", "lb02"));
            lines.add(List.of("check", "--strict", "--config-id=lb02", "-f", f.toString()));
            lines.add(List.of("check", "--config-id", "x", "-f", f.toString()));
        }
        lines.add(List.of("check", "-f", missing));
        lines.add(List.of("check", "-f", dir.toString()));
        for (List<String> args : lines) {
            Run picocli = viaPicocli(args);
            Run plain = viaPlain(args);
            assertThat(plain).as("halo %s", args).isEqualTo(picocli);
        }
        // the runs above did say something: a valid file, a fatal, corrections
        assertThat(viaPlain(lines.get(0)).status()).isZero();
        assertThat(viaPlain(lines.get(5)).err()).contains("Unknown keyword 'no_such_keyword'");
        assertThat(viaPlain(lines.get(6)).status()).isEqualTo(4);
        assertThat(viaPlain(lines.get(10)).status()).isEqualTo(4);
    }

    @Test
    void keepalivedsConfigTestIsPlainToo() {
        List<String> args = Main.fromKeepalivedFlags(new String[] {"-t", "-f", "/etc/k.conf", "--config-id=lb01"});
        CheckCommand c = CheckCommand.plain(args.subList(1, args.size()));
        assertThat(c).isNotNull();
        assertThat(c.file).isEqualTo(Path.of("/etc/k.conf"));
        assertThat(c.configId).isEqualTo("lb01");
        assertThat(c.strict).isFalse();
    }

    @Test
    void everythingElseGoesToPicocli() {
        List<List<String>> others = List.of(
                List.of("--help"), List.of("-h"), List.of("-V"), List.of("--version"),
                List.of("-f", "a.conf", "--help"),
                List.of("-f", "a.conf", "-f", "b.conf"), List.of("-i", "a", "--config-id", "b"),
                List.of("--strict", "--strict"), List.of("--strict=true"),
                List.of("-f=a.conf"), List.of("-fa.conf"), List.of("-f"), List.of("-f", ""), List.of("--use-file="),
                List.of("-f", "-i"), List.of("-f", "--strict"), List.of("-f", "@args"), List.of("@args"),
                List.of("--", "-f", "a.conf"), List.of("a.conf"), List.of("-x", "a"), List.of("-f", "a\0b"));
        for (List<String> args : others) {
            assertThat(CheckCommand.plain(args)).as("halo check %s", args).isNull();
        }
        assertThat(CheckCommand.plain(List.of())).as("defaults").isNotNull();
    }

    @Test
    void aCommandLineNamingOneSubcommandBuildsOnlyThatOne() {
        assertThat(Main.commandLine(List.of("dump-conf", "-f", "x")).getSubcommands()).containsOnlyKeys("dump-conf");
        assertThat(Main.commandLine(List.of("help", "check")).getSubcommands().keySet())
                .containsExactlyElementsOf(Main.SUBCOMMANDS);
        assertThat(Main.commandLine(List.of("-v")).getSubcommands().keySet()).containsExactlyElementsOf(Main.SUBCOMMANDS);
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(Main.SUBCOMMANDS);
    }

    @Test
    void versionSaysWhatPicocliSays() {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream picocli = new java.io.ByteArrayOutputStream();
        int plainStatus;
        int picocliStatus;
        try {
            System.setOut(new java.io.PrintStream(plain, true));
            plainStatus = Main.run("version");
            System.setOut(new java.io.PrintStream(picocli, true));
            picocliStatus = Main.commandLine(List.of("version")).execute("version");
        } finally {
            System.setOut(old);
        }
        assertThat(plainStatus).isEqualTo(picocliStatus).isZero();
        assertThat(plain.toString()).isEqualTo(picocli.toString()).startsWith("Halo ");
    }
}
