package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import halo.daemon.Syslog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** keepalived 2.2.7's whole command line (keepalived --help) read by halo: none of its flags stops Halo's start. */
class KeepalivedFlagsTest {

    /** Every option keepalived 2.2.7's --help lists (but -t, -T, -v, -h, which are other commands), with a value. */
    static final List<String> EVERY_FLAG = List.of("-f", "/etc/keepalived/keepalived.conf", "-P", "-C", "-B", "--all",
            "-l", "-D", "-S", "daemon", "-G", "-u", "0022", "-X", "-V", "-I", "-R", "-n", "-d", "-p", "/run/k.pid",
            "-r", "/run/v.pid", "-c", "/run/c.pid", "-a", "-b", "/run/b.pid", "-x", "-A", "/run/agentx", "-s", "ns1",
            "-m", "-M", "-e", "-i", "node1", "--debug", "-g");

    static RunCommand parse(List<String> keepalivedArgs) {
        List<String> args = Main.fromKeepalivedFlags(keepalivedArgs.toArray(String[]::new));
        assertThat(args.getFirst()).isEqualTo("run");
        CommandLine cli = Main.commandLine(args);
        CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
        return (RunCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void everyKeepalivedFlagIsAccepted() {
        RunCommand run = parse(EVERY_FLAG);
        assertThat(run.logFacility).isEqualTo("daemon");
        assertThat(run.noBfd).isTrue();
        assertThat(run.bfdPidFile).hasToString("/run/b.pid");
        assertThat(run.logFile).isEqualTo("keepalived.log");
        assertThat(run.coreDumpPattern).isEqualTo("core");
        assertThat(run.keepalivedFlagWarnings()).containsExactly(
                "halo: --all (Halo starts a side only when the configuration has work for it) - ignored",
                "halo: -g/--log-file (Halo logs to syslog, or to the console with -l) - ignored",
                "halo: -e/--all-config (use include_check in global_defs) - ignored",
                "halo: -u/--umask 0022 (Halo keeps the umask it was started with) - ignored",
                "halo: -X/--release-vips (not supported by Halo) - ignored",
                "halo: -a/--address-monitoring (not supported by Halo) - ignored",
                "halo: -x/--snmp (Halo has no SNMP agent) - ignored",
                "halo: -s/--namespace ns1 (not supported by Halo: start it in the namespace, ip netns exec) - ignored",
                "halo: -m/--core-dump (the JVM writes its own crash reports) - ignored",
                "halo: keepalived's debugging options (--debug, --perf, --no-mem-check, -L, --config-fd) - ignored");
    }

    @Test
    void theLongFormsAndClustersTooAndNoWarningWithoutThem() {
        RunCommand run = parse(List.of("-nlD", "--log-facility=local3", "--snmp", "--snmp-agent-socket=/run/a",
                "--namespace=blue", "--umask=077", "--no_bfd", "--bfd_pid=/run/b", "--address-monitoring",
                "--release-vips", "--all-config", "--core-dump-pattern=/tmp/core", "--debug=DTSV", "--log-file=/tmp/k.log",
                "--flush-log-file"));
        assertThat(run.logConsole).isTrue();
        assertThat(run.logDetail).isTrue();
        assertThat(run.logFacility).isEqualTo("local3");
        assertThat(run.coreDumpPattern).isEqualTo("/tmp/core");
        assertThat(run.keepalivedFlagWarnings()).hasSize(9);
        assertThat(parse(List.of("-n", "-l", "-B", "-b", "/run/b.pid")).keepalivedFlagWarnings()).isEmpty();
    }

    @Test
    void logFacilitiesAreKeepalivedsNames() {
        assertThat(RunCommand.facility("0")).isZero();
        assertThat(RunCommand.facility("7")).isEqualTo(7);
        assertThat(RunCommand.facility("local5")).isEqualTo(5);
        assertThat(RunCommand.facility("daemon")).isEqualTo(-1);
        assertThat(RunCommand.facility("user")).isEqualTo(Syslog.USER);
        assertThat(RunCommand.facility("8")).isEqualTo(RunCommand.INVALID_FACILITY);
        assertThat(RunCommand.facility("local8")).isEqualTo(RunCommand.INVALID_FACILITY);
        assertThat(RunCommand.facility("kern")).isEqualTo(RunCommand.INVALID_FACILITY);
    }

    @Test
    void signumPrintsTheSignalNumberWithEveryOtherFlag() {
        List<String> args = new java.util.ArrayList<>(EVERY_FLAG);
        args.add("--signum=RELOAD");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = Main.run(args.toArray(String[]::new));
        } finally {
            System.setOut(saved);
        }
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("1"); // SIGHUP
    }
}
