package halo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Halo's front door: subcommands, and keepalived's own flags for operators who only change the binary path. */
@Command(name = "halo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "High availability (VRRP) and health-checked load balancing, keepalived-compatible.",
        subcommands = {VersionCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
