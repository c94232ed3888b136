package halo.lvs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Halo's ipvsadm parser against Debian's ipvsadm 1.31 on the same command lines (resources halo/lvs/ipvsadm-lines.txt).
 * This kernel has no IPVS, and ipvsadm asks the kernel for IPVS's version before it parses anything: a small
 * LD_PRELOAD shim (ipvsadm-init-shim.c, built with gcc) answers that one question, so ipvsadm parses, and fails only
 * when it reaches the kernel to act. Where ipvsadm stops while parsing, Halo must print the same bytes on the same
 * streams and exit the same; where ipvsadm reaches the kernel, Halo must accept the line. ipvsadm runs with argv[0]
 * "halo lvs", the name Halo's messages use.
 */
class IpvsadmRealBinaryTest {

    static final Path IPVSADM = Path.of("/usr/sbin/ipvsadm");

    /** What ipvsadm prints once it reaches a kernel without IPVS (setsockopt, or libipvs refusing IPv6 by sockopt). */
    static final Set<String> KERNEL_ERRORS = Set.of("Protocol not available\n",
            "Operation not supported with specified address family\n", "cannot open file /proc/net/ip_vs_conn\n");

    @TempDir
    static Path dir;

    static Path shim;

    @BeforeAll
    static void buildShim() throws Exception {
        assertThat(IPVSADM).as("ipvsadm 1.31 (Debian package ipvsadm)").isExecutable();
        Path source = dir.resolve("shim.c");
        try (InputStream in = IpvsadmRealBinaryTest.class.getResourceAsStream("ipvsadm-init-shim.c")) {
            Files.write(source, in.readAllBytes());
        }
        shim = dir.resolve("shim.so");
        Result gcc = exec(List.of("gcc", "-shared", "-fPIC", "-o", shim.toString(), source.toString(), "-ldl"), null);
        assertThat(gcc.code()).as("gcc (Debian packages gcc, libc6-dev): " + gcc.err()).isZero();
        Result version = real(List.of("-v"));
        assertThat(version.out()).as("the installed ipvsadm").startsWith("ipvsadm v1.31 ");
    }

    record Result(String out, String err, int code) {}

    static Stream<List<String>> lines() throws IOException {
        List<List<String>> all = new ArrayList<>();
        try (InputStream in = IpvsadmRealBinaryTest.class.getResourceAsStream("ipvsadm-lines.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                List<String> words = new ArrayList<>();
                for (String w : line.strip().split(" ")) words.add(w.equals("''") ? "" : w);
                all.add(words);
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "ipvsadm {0}")
    @MethodSource("lines")
    void parsesAsIpvsadm(List<String> args) throws Exception {
        Result real = real(args);
        IpvsadmParser.Result halo = IpvsadmParser.parse("halo lvs", args);
        switch (halo) {
            case IpvsadmParser.Exit e -> assertThat(new Result(e.out(), e.err(), e.code()))
                    .as("Halo stops parsing; so must ipvsadm").isEqualTo(real);
            case IpvsadmParser.Parsed p when p.command().kind() == IpvsadmCommand.Kind.RESTORE ->
                    // -R with nothing on standard input: nothing to do
                    assertThat(real).isEqualTo(new Result("", "", 0));
            case IpvsadmParser.Parsed p -> {
                // ipvsadm went on to the kernel, which has no IPVS; a listing prints its version line first
                assertThat(real.code()).as("ipvsadm's exit status: " + real).isIn(1, 255);
                assertThat(real.err().isEmpty() || KERNEL_ERRORS.contains(real.err()))
                        .as("ipvsadm reached the kernel: " + real).isTrue();
            }
        }
    }

    /** ipvsadm -R's standard inputs that stop before any line reaches the kernel. */
    static Stream<String> restoreInputs() {
        return Stream.of(
                "-A -t 1.2.3.4:80 -x 3\n",
                "# a comment\n\n   \n-L --stat\n-A -t 1.2.3.4:0\n",
                "-L --stat\n-L --numeric=x\n-R\n",
                "ipvsadm -A -t 1.2.3.4:80 -p abc   # persistent\n",
                "-Q\n-A -t 1.2.3.4:80\n",
                "-h\n-A -t 1.2.3.4:80\n",
                "-A -t 1.2.3.4:80 -s rr extra\n");
    }

    @ParameterizedTest(name = "ipvsadm -R < {0}")
    @MethodSource("restoreInputs")
    void restoresAsIpvsadm(String input) throws Exception {
        Path stdin = Files.writeString(dir.resolve("restore.txt"), input);
        Result real = exec(realCommand(List.of("-R")), shim, stdin);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        halo.cli.LvsCommand.DaemonClient saved = halo.cli.LvsCommand.daemonClient;
        try {
            halo.cli.LvsCommand.daemonClient = (socket, request) -> {
                throw new AssertionError("no line of this input reaches the kernel: " + request);
            };
            int code = halo.cli.LvsCommand.run(List.of("-R"), new java.io.ByteArrayInputStream(
                    input.getBytes(StandardCharsets.UTF_8)), new java.io.PrintWriter(out), new java.io.PrintWriter(err));
            assertThat(new Result(out.toString(), err.toString(), code)).isEqualTo(real);
        } finally {
            halo.cli.LvsCommand.daemonClient = saved;
        }
    }

    static Result real(List<String> args) throws Exception {
        return exec(realCommand(args), shim);
    }

    static List<String> realCommand(List<String> args) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "exec -a 'halo lvs' " + IPVSADM + " \"$@\"",
                "bash"));
        command.addAll(args);
        return command;
    }

    static Result exec(List<String> command, Path preload) throws Exception {
        return exec(command, preload, Path.of("/dev/null"));
    }

    static Result exec(List<String> command, Path preload, Path stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(stdin.toFile());
        pb.environment().put("LC_ALL", "C");
        if (preload != null) pb.environment().put("LD_PRELOAD", preload.toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish in 20 s: " + command);
        }
        return new Result(Files.readString(out), Files.readString(err), p.exitValue());
    }
}
