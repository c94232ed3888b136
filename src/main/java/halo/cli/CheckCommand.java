package halo.cli;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.TrackedInterface;
import halo.config.VirtualAddress;
import halo.config.VirtualRoute;
import halo.config.VrrpInstance;
import halo.net.AddressText;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.daemon.Daemon;
import halo.daemon.ScriptSecurity;
import halo.lvs.DataPlaneKind;
import halo.lvs.DataPlaneSupport;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code halo check}: keepalived's --config-test, with the keepalived 2.2.7 binary's exit codes (lib/scheduler.h,
 * chk_exit_code), which scripts test: 0 valid, 4 cannot run, 5 runs after corrections, 2 keepalived stops reading (a
 * keyword missing its parameter), 6 scripts without script security (as root; CONFIG_SECURITY_ERROR is keepalived's
 * highest config_err_t, so it wins over the others). keepalived(8) documents 3/4/5; the binary does not return them.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a keepalived.conf as keepalived --config-test does: diagnostics on stderr.",
                "Exit codes are the keepalived 2.2.7 binary's (lib/scheduler.h chk_exit_code), not the 3/4/5 of"
                        + " keepalived(8), which the binary does not return:",
                "  0  valid",
                "  4  cannot run",
                "  5  runs after corrections (warnings; keywords Halo accepts but does not use)",
                "  2  a keyword is missing its parameter (keepalived stops reading there and exits 2)",
                "  6  run as root: scripts that would run without enable_script_security (SECURITY VIOLATION),"
                        + " whatever else was found"})
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "configuration file (default: ${DEFAULT-VALUE})")
    Path file = Path.of("/etc/keepalived/keepalived.conf");

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "config id for @ID lines (default: short host name)")
    String configId;

    @Option(names = "--strict", description = "unknown keywords, and keywords Halo accepts but does not use, are errors")
    boolean strict;

    @Option(names = "--lvs-dataplane", paramLabel = "NAME",
            description = "check the virtual servers against this data plane (auto, proxy, nftables, ipvs) rather"
                    + " than the file's lvs_dataplane")
    String lvsDataplane;

    /** keepalived 2.2.7's KEEPALIVED_CHK_EXIT_CONFIG_TEST_SECURITY. */
    public static final int SECURITY_VIOLATION = 6;

    /** Whether the check runs as root (keepalived's script checks are made for scripts run as root). */
    java.util.function.BooleanSupplier runsAsRoot = halo.os.ProcessUser::isRoot;

    /** Whether a network interface exists on this host (keepalived -t reports the ones that do not). */
    Predicate<String> interfaceExists = name -> Files.isDirectory(Path.of("/sys/class/net", name));

    @Override
    public Integer call() {
        return check(spec.commandLine().getErr());
    }

    /**
     * The command that a plain command line ({@code -f FILE}, {@code --use-file[=]FILE}, {@code -i ID},
     * {@code --config-id[=]ID}, {@code --strict}, each at most once, values that cannot be taken for options or
     * {@code @argument-files}) configures, or null when picocli must read it (help, errors, anything else).
     * picocli builds its model by reflection, and its classes are too old for the AOT cache: that costs more than
     * checking a configuration of 10,000 virtual servers, so {@code halo check -f FILE} does without it.
     */
    static CheckCommand plain(List<String> args) {
        CheckCommand c = new CheckCommand();
        boolean fileSet = false;
        boolean idSet = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--strict")) {
                if (c.strict) return null;
                c.strict = true;
                continue;
            }
            String name;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                name = a;
                value = i + 1 < args.size() ? args.get(++i) : null;
            }
            if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) return null;
            switch (name) {
                case "-f", "--use-file" -> {
                    if (fileSet) return null;
                    fileSet = true;
                    try {
                        c.file = Path.of(value);
                    } catch (InvalidPathException e) {
                        return null;
                    }
                }
                case "-i", "--config-id" -> {
                    if (idSet) return null;
                    idSet = true;
                    c.configId = value;
                }
                default -> {
                    return null;
                }
            }
        }
        return c;
    }

    /** Runs a command made by {@link #plain} as picocli would have: on picocli's stderr writer, failing as Main says. */
    int runPlain() {
        // picocli's CommandLine.newPrintWriter(System.err, getStderrEncoding())
        String encoding = System.getProperty("sun.stderr.encoding");
        Charset charset = encoding == null ? Charset.defaultCharset()
                : Charset.forName("cp65001".equalsIgnoreCase(encoding) ? "UTF-8" : encoding);
        // not flushed line by line as picocli's: the same text, in one write rather than one per diagnostic
        return runPlain(new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.err, charset)), false));
    }

    int runPlain(PrintWriter err) {
        try {
            return check(err);
        } catch (RuntimeException e) {
            return Main.failed(err, e);
        } finally {
            err.flush();
        }
    }

    int check(PrintWriter err) {
        LoadResult result = ConfigLoader.load(file, new LoadOptions(configId != null ? configId : DumpConfCommand.shortHostName(), strict));
        List<Diagnostic> diagnostics = new ArrayList<>(result.diagnostics());
        boolean interfacesMissing = false;
        if (result.config() != null) {
            List<Diagnostic> missing = missingInterfaces(result.config());
            interfacesMissing = !missing.isEmpty();
            diagnostics.addAll(missing);
            diagnostics.addAll(dataPlaneRefusals(result.config()));
        }
        for (Diagnostic d : diagnostics) {
            err.println(d);
        }
        int status = new LoadResult(result.config(), diagnostics).exitStatus();
        if (result.config() != null && status != LoadResult.STOPPED && runsAsRoot.getAsBoolean()) {
            List<String> violations = ScriptSecurity.violations(result.config(), interfacesMissing);
            for (String v : violations) {
                err.println(new Diagnostic(Diagnostic.Severity.WARNING, null, null, v));
            }
            if (!violations.isEmpty()) status = SECURITY_VIOLATION;
        }
        if (status == 0) {
            err.println("Configuration " + file + " is valid");
        } else if (status == SECURITY_VIOLATION) {
            err.println("Configuration " + file + " runs scripts without enable_script_security");
        } else if (status == LoadResult.RUNS_AFTER_CORRECTIONS) {
            err.println("Configuration " + file + " has errors; keepalived would run after correcting them");
        } else {
            err.println("Configuration " + file + " cannot be run");
        }
        err.flush();
        return status;
    }

    /**
     * Virtual servers the data plane cannot carry: the daemon would refuse to start with them. Errors when the plane
     * was chosen ({@code --lvs-dataplane}, the file's lvs_dataplane); with auto, notes that leave the verdict as
     * keepalived's (keepalived -t checks the configuration, not what the kernel can do).
     */
    List<Diagnostic> dataPlaneRefusals(KeepalivedConfig config) {
        List<Diagnostic> out = new ArrayList<>();
        if (config.virtualServers().isEmpty()) return out;
        DataPlaneKind plane;
        try {
            plane = Daemon.dataPlane(lvsDataplane, config);
        } catch (IllegalArgumentException e) {
            out.add(new Diagnostic(Diagnostic.Severity.FATAL, null, lvsDataplane,
                    "--lvs-dataplane " + lvsDataplane + ": expected auto, proxy, nftables or ipvs"));
            return out;
        }
        boolean chosen = lvsDataplane != null && !lvsDataplane.equals("auto")
                || lvsDataplane == null && config.global().lvsDataplane() != null;
        for (String refusal : DataPlaneSupport.refusals(config, plane)) {
            out.add(new Diagnostic(chosen ? Diagnostic.Severity.FATAL : Diagnostic.Severity.INFO, null, null,
                    chosen ? refusal : refusal + " - halo run would refuse to start (auto chose " + plane + ")"));
        }
        return out;
    }

    /** keepalived's parse_ipaddress and alloc_route: an address's or a route's dev that does not exist. */
    private void missingDevices(List<VirtualAddress> addresses, List<VirtualRoute> routes, List<Diagnostic> out) {
        for (VirtualAddress a : addresses) {
            if (a.device() != null && !interfaceExists.test(a.device())) {
                out.add(new Diagnostic(Diagnostic.Severity.WARNING, null, a.device(), "WARNING - interface "
                        + a.device() + " for ip address " + AddressText.format(a.address().address()) + " doesn't exist"));
            }
        }
        for (VirtualRoute r : routes) {
            if (r.device() != null && !interfaceExists.test(r.device())) {
                out.add(new Diagnostic(Diagnostic.Severity.WARNING, null, r.device(), "WARNING - interface "
                        + r.device() + " for VROUTE nexthop doesn't exist"));
            }
        }
    }

    /** keepalived -t: "WARNING - interface X for vrrp_instance Y doesn't exist" (not with dynamic_interfaces). */
    List<Diagnostic> missingInterfaces(KeepalivedConfig config) {
        List<Diagnostic> out = new ArrayList<>();
        if (config.global().dynamicInterfaces()) {
            return out;
        }
        missingDevices(config.staticAddresses(), config.staticRoutes(), out);
        for (VrrpInstance i : config.vrrpInstances()) {
            if (i.interfaceName() != null && !interfaceExists.test(i.interfaceName())) {
                out.add(new Diagnostic(Diagnostic.Severity.WARNING, null, i.interfaceName(), "WARNING - interface "
                        + i.interfaceName() + " for vrrp_instance " + i.name() + " doesn't exist"));
            }
            List<VirtualAddress> addresses = new ArrayList<>(i.virtualAddresses());
            addresses.addAll(i.excludedAddresses());
            missingDevices(addresses, i.virtualRoutes(), out);
            for (TrackedInterface t : i.trackInterfaces()) {
                if (!interfaceExists.test(t.name())) {
                    out.add(new Diagnostic(Diagnostic.Severity.WARNING, null, t.name(),
                            "(" + i.name() + ") tracked interface " + t.name() + " doesn't exist"));
                }
            }
        }
        if (!out.isEmpty()) {
            out.add(new Diagnostic(Diagnostic.Severity.WARNING, null, null, "Non-existent interface specified in configuration"));
        }
        return out;
    }
}
