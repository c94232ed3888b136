package halo.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Halo's front door. Subcommands ({@code halo check}, {@code halo run}, ...) and, for operators who only change the
 * binary path, keepalived's own command line: {@code halo -t -f FILE} is {@code halo check -f FILE},
 * {@code halo -T ...} is {@code halo genhash ...}, and any other keepalived flags ({@code -n -l -D -f FILE ...})
 * start the daemon as {@code halo run} would.
 */
@Command(name = "halo",
        description = "High availability (VRRP) and health-checked load balancing, keepalived-compatible.",
        versionProvider = VersionCommand.class)
public final class Main implements Runnable {

    /**
     * The subcommands, in the order help lists them. They are registered by hand rather than in the annotation:
     * picocli builds each command's model by reflection, so a command line naming one builds only that one. (Most of
     * picocli's cost is loading picocli itself, whose classes are too old for the AOT cache: the commonest command
     * lines, {@code check -f FILE} and {@code version}, do without it, see {@link #run}.)
     */
    static final List<String> SUBCOMMANDS = List.of("check", "dump-conf", "run", "status", "simulate", "lvs",
            "realserver", "genhash", "demo", "version", "help");

    private static Object subcommand(String name) {
        return switch (name) {
            case "check" -> CheckCommand.class;
            case "dump-conf" -> DumpConfCommand.class;
            case "run" -> RunCommand.class;
            case "status" -> StatusCommand.class;
            case "simulate" -> SimulateCommand.class;
            case "lvs" -> LvsCommand.class;
            case "realserver" -> RealServerCommand.class;
            case "genhash" -> GenhashCommand.class;
            case "demo" -> DemoCommand.class;
            case "version" -> VersionCommand.class;
            case "help" -> CommandLine.HelpCommand.class;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print Halo's version and exit.")
    boolean version;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        List<String> translated = fromKeepalivedFlags(args);
        if (translated.equals(List.of("version"))) {
            // what picocli would run for it, without loading picocli (see CheckCommand.plain)
            new VersionCommand().run();
            return 0;
        }
        if (!translated.isEmpty() && translated.getFirst().equals("lvs")) {
            // ipvsadm's command line, parsed as ipvsadm parses it (popt's rules, not picocli's)
            return LvsCommand.run(translated.subList(1, translated.size()), System.in,
                    new java.io.PrintWriter(System.out), new java.io.PrintWriter(System.err));
        }
        if (!translated.isEmpty() && translated.getFirst().equals("check")) {
            CheckCommand check = CheckCommand.plain(translated.subList(1, translated.size()));
            if (check != null) {
                return check.runPlain();
            }
        }
        return commandLine(translated).execute(translated.toArray(String[]::new));
    }

    /** The whole command tree. */
    static CommandLine commandLine() {
        return commandLine(List.of());
    }

    /**
     * The command tree {@code args} needs: when they start with a subcommand's name (but help's, which lists them
     * all), the root and that subcommand only; otherwise every subcommand (usage, errors, suggestions see them all).
     */
    static CommandLine commandLine(List<String> args) {
        CommandLine cli = new CommandLine(new Main());
        String first = args.isEmpty() ? "" : args.getFirst();
        if (SUBCOMMANDS.contains(first) && !first.equals("help")) {
            cli.addSubcommand(subcommand(first));
        } else {
            for (String name : SUBCOMMANDS) {
                cli.addSubcommand(subcommand(name));
            }
        }
        cli.setCommandName("halo");
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failed(commandLine.getErr(), e));
        return cli;
    }

    /** Bad input is reported in words, never as a stack trace: exit 4 (cannot run, as keepalived 2.2.7's -t). */
    static int failed(java.io.PrintWriter err, Exception e) {
        err.println("halo: " + e.getMessage());
        return halo.config.LoadResult.CANNOT_RUN;
    }

    /**
     * Maps keepalived's command line onto Halo's subcommands. Arguments that start with a subcommand name, or are
     * only Halo's own help/version flags, pass through unchanged.
     */
    static List<String> fromKeepalivedFlags(String[] args) {
        List<String> in = List.of(args);
        if (in.isEmpty() || !in.getFirst().startsWith("-") || SUBCOMMANDS.contains(in.getFirst())) {
            return in;
        }
        if (in.size() == 1 && List.of("-h", "--help", "-v", "--version").contains(in.getFirst())) {
            return in;
        }
        List<String> check = null;
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            if (a.equals("-T") || a.equals("--genhash")) {
                List<String> out = new ArrayList<>(List.of("genhash"));
                out.addAll(in.subList(i + 1, in.size()));
                return out;
            }
            if (a.equals("-t") || a.equals("--config-test")) {
                check = new ArrayList<>(List.of("check"));
            } else if (a.startsWith("-t") && !a.startsWith("--")) {
                check = new ArrayList<>(List.of("check", "-f", a.substring(2)));
            } else if (a.startsWith("--config-test=")) {
                check = new ArrayList<>(List.of("check", "-f", a.substring("--config-test=".length())));
            }
        }
        if (check != null) {
            // keep only what the configuration test uses: the file and the config id
            for (int i = 0; i < in.size(); i++) {
                String a = in.get(i);
                if ((a.equals("-f") || a.equals("--use-file") || a.equals("-i") || a.equals("--config-id")) && i + 1 < in.size()) {
                    check.add(a.startsWith("--use") ? "-f" : a.startsWith("--config") ? "-i" : a);
                    check.add(in.get(++i));
                } else if (a.startsWith("--use-file=")) {
                    check.addAll(List.of("-f", a.substring("--use-file=".length())));
                } else if (a.startsWith("--config-id=")) {
                    check.addAll(List.of("-i", a.substring("--config-id=".length())));
                }
            }
            return check;
        }
        // keepalived's command line gets keepalived's pid files (halo run writes only those asked for: several
        // daemons in test namespaces share one /run)
        List<String> out = new ArrayList<>(List.of("run", "--keepalived-pid-files"));
        out.addAll(in);
        return out;
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
