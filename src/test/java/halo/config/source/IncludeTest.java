package halo.config.source;

import static halo.config.source.Reading.diagnostics;
import static halo.config.source.Reading.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** include and its variants, as keepalived 2.2: relative to the including file, globs, braces, checks. */
class IncludeTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private ConfigReader.Result read(Path main) {
        return ConfigReader.read(main, Reading.options("main"));
    }

    @Test
    void nestedIncludesAreRelativeToTheIncludingFilesDirectory() throws IOException {
        Path main = write("keepalived.conf", "top1\ninclude conf.d/vrrp.conf\ntop2\n");
        write("conf.d/vrrp.conf", "vrrp_instance VI_1 {\n  include parts/ips.conf\n}\n");
        write("conf.d/parts/ips.conf", "virtual_ipaddress {\n  192.0.2.1\n}\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly(
                "top1",
                "vrrp_instance VI_1 {", "  virtual_ipaddress {", "    192.0.2.1", "  }", "}",
                "top2");
        assertThat(r.diagnostics()).isEmpty();
        Statement vip = r.statements().get(1).block().getFirst();
        assertThat(vip.location()).isEqualTo(new SourceLocation(dir.resolve("conf.d/parts/ips.conf"), 1));
        assertThat(vip.block().getFirst().location()).isEqualTo(new SourceLocation(dir.resolve("conf.d/parts/ips.conf"), 2));
        assertThat(r.statements().get(2).location()).isEqualTo(new SourceLocation(main, 3));
    }

    @Test
    void aBlockMayCloseInAnotherFile() throws IOException {
        Path main = write("main.conf", "global_defs {\ninclude rest.conf\nvrrp_script s {\n}\n");
        write("rest.conf", "  router_id r1\n}\n");
        assertThat(render(read(main))).containsExactly("global_defs {", "  router_id r1", "}", "vrrp_script s {", "}");
    }

    @Test
    void globsMatchInSortedOrderAndSkipHiddenFiles() throws IOException {
        Path main = write("main.conf", "include conf.d/*.conf\n");
        write("conf.d/b.conf", "b\n");
        write("conf.d/a.conf", "a\n");
        write("conf.d/c.txt", "c\n");
        write("conf.d/.hidden.conf", "hidden\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("a", "b");
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void braceExpansionKeepsTheOrderOfItsAlternatives() throws IOException {
        Path main = write("main.conf", "include {z,a}/{2,1}.conf\n");
        for (String f : new String[] {"z/2.conf", "z/1.conf", "a/2.conf", "a/1.conf"}) {
            write(f, f.replace("/", "").replace(".conf", "") + "\n");
        }
        assertThat(render(read(main))).containsExactly("z2", "z1", "a2", "a1");
    }

    @Test
    void aMissingIncludeIsReportedAtTheIncludingLineAndReadingGoesOn() throws IOException {
        Path main = write("main.conf", "a\ninclude missing.conf\nb\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("a", "b");
        assertThat(r.diagnostics()).hasSize(1);
        Diagnostic d = r.diagnostics().getFirst();
        assertThat(d.location()).isEqualTo(new SourceLocation(main, 2));
        assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
        assertThat(d.message()).isEqualTo("Config files missing 'missing.conf'.");
    }

    @Test
    void aGlobMatchingNothingIsOnlyInformationUnlessIncludewAsksForAMatch() throws IOException {
        Files.createDirectories(dir.resolve("conf.d"));
        Path main = write("main.conf", "include conf.d/*.conf\nincludew conf.d/*.conf\nx\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("x");
        assertThat(diagnostics(r)).containsExactly(
                "1: info: No config files matched 'conf.d/*.conf'.",
                "2: fatal: No config files matched 'conf.d/*.conf'.");
    }

    @Test
    void aBraceAlternativeThatIsMissingIsReportedAndTheOthersAreRead() throws IOException {
        Path main = write("main.conf", "include {a,zz}.conf\nincludeb {a,zz}.conf\n");
        write("a.conf", "a\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("a"); // includeb refuses the whole glob
        assertThat(diagnostics(r)).containsExactly(
                "1: warning: Some config files missing: \"{a,zz}.conf\".",
                "2: fatal: Some config files missing: \"{a,zz}.conf\".");
    }

    @Test
    void includeVariantsAndIncludeCheckMakeAMissingFileFatal() throws IOException {
        Path main = write("main.conf", "includem missing1.conf\nglobal_defs {\n  include_check\n}\ninclude missing2.conf\n");
        ConfigReader.Result r = read(main);
        assertThat(diagnostics(r)).containsExactly(
                "1: fatal: Config files missing 'missing1.conf'.",
                "5: fatal: Config files missing 'missing2.conf'.");
        assertThat(render(r)).containsExactly("global_defs {", "  include_check", "}");
    }

    @Test
    void includeCheckSetInAnIncludedFileEndsWithThatFile() throws IOException {
        Path main = write("main.conf", "include checks.conf\ninclude missing.conf\n");
        write("checks.conf", "global_defs {\n include_check match\n}\n");
        ConfigReader.Result r = read(main);
        assertThat(diagnostics(r)).containsExactly("2: warning: Config files missing 'missing.conf'.");
    }

    @Test
    void anIncludeLoopIsCutAndReported() throws IOException {
        Path main = write("main.conf", "m1\ninclude sub/a.conf\nm2\n");
        write("sub/a.conf", "a1\ninclude ../main.conf\ninclude a.conf\na2\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("m1", "a1", "a2", "m2");
        assertThat(r.diagnostics()).extracting(Diagnostic::location).containsExactly(
                new SourceLocation(dir.resolve("sub/a.conf"), 2), new SourceLocation(dir.resolve("sub/a.conf"), 3));
        assertThat(r.diagnostics()).allSatisfy(d -> {
            assertThat(d.message()).startsWith("include loop: configuration file '").endsWith("is already being read - skipping");
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
        });
    }

    @Test
    void theSameFileIncludedTwiceInARowIsNoLoop() throws IOException {
        Path main = write("main.conf", "include a.conf\ninclude a.conf\n");
        write("a.conf", "a\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("a", "a");
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void directoriesAndExecutableFilesAreSkipped() throws IOException {
        Path main = write("main.conf", "include conf.d/*\n");
        write("conf.d/a.conf", "a\n");
        Files.createDirectories(dir.resolve("conf.d/sub"));
        Path script = write("conf.d/run.sh", "echo\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("a");
        assertThat(diagnostics(r)).containsExactly(
                "1: warning: Configuration file '" + dir.resolve("conf.d/run.sh") + "' is not a regular non-executable file - skipping",
                "1: warning: Configuration file '" + dir.resolve("conf.d/sub") + "' is a directory - skipping");
    }

    @Test
    void pwdIsTheDirectoryOfTheFileBeingRead() throws IOException {
        Path main = write("main.conf", "here ${_PWD}\ninclude sub/a.conf\n");
        write("sub/a.conf", "there ${_PWD}/x\n");
        ConfigReader.Result r = read(main);
        assertThat(render(r)).containsExactly("here " + dir.toRealPath(), "there " + dir.toRealPath() + "/sub/x");
    }

    @Test
    void anIncludeLineMayComeFromAConditionalOrAParameter() throws IOException {
        Path main = write("main.conf", "$F=a.conf\n@main include ${F}\n@other include b.conf\n");
        write("a.conf", "a\n");
        write("b.conf", "b\n");
        assertThat(render(read(main))).containsExactly("a");
    }

    @Test
    void readingTextResolvesIncludesAgainstTheNamedFilesDirectory() throws IOException {
        write("inc.conf", "included\n");
        ConfigReader.Result r = ConfigReader.read("include inc.conf\n", dir.resolve("virtual.conf"), Reading.options("main"));
        assertThat(render(r)).containsExactly("included");
    }

    @Test
    void theMainFileMayBeAGlob() throws IOException {
        write("x1.conf", "one\n");
        write("x2.conf", "two\n");
        ConfigReader.Result r = read(dir.resolve("x*.conf"));
        assertThat(render(r)).containsExactly("one", "two");
    }
}
