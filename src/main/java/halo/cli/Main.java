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
        versionProvider = VersionCommand.class,
        subcommands = {CheckCommand.class, DumpConfCommand.class, RunCommand.class, StatusCommand.class,
                SimulateCommand.class, LvsCommand.class, GenhashCommand.class, DemoCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print Halo's version and exit.")
    boolean version;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = commandLine();
        List<String> translated = fromKeepalivedFlags(args, cli);
        return cli.execute(translated.toArray(String[]::new));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCommandName("halo");
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Bad input is reported in words, never as a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("halo: " + e.getMessage());
            return 3;
        });
        return cli;
    }

    /**
     * Maps keepalived's command line onto Halo's subcommands. Arguments that start with a subcommand name, or are
     * only Halo's own help/version flags, pass through unchanged.
     */
    static List<String> fromKeepalivedFlags(String[] args, CommandLine cli) {
        List<String> in = List.of(args);
        if (in.isEmpty() || !in.getFirst().startsWith("-") || cli.getSubcommands().containsKey(in.getFirst())) {
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
        List<String> out = new ArrayList<>(List.of("run"));
        out.addAll(in);
        return out;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
