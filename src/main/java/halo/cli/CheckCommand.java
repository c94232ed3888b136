package halo.cli;

import halo.config.ConfigLoader;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo check}: keepalived's --config-test. Exit 0 valid, 3 cannot run, 4 runs after corrections. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check a keepalived.conf as keepalived --config-test does: diagnostics on stderr; "
                + "exit 0 valid, 3 cannot run, 4 runs after corrections.")
public final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "configuration file (default: ${DEFAULT-VALUE})")
    Path file = Path.of("/etc/keepalived/keepalived.conf");

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "config id for @ID lines (default: short host name)")
    String configId;

    @Option(names = "--strict", description = "unknown keywords are errors")
    boolean strict;

    @Override
    public Integer call() {
        LoadResult result = ConfigLoader.load(file, new LoadOptions(configId != null ? configId : DumpConfCommand.shortHostName(), strict));
        PrintWriter err = spec.commandLine().getErr();
        for (Diagnostic d : result.diagnostics()) {
            err.println(d);
        }
        int status = result.exitStatus();
        if (status == 0) {
            err.println("Configuration " + file + " is valid");
        } else if (status == 4) {
            err.println("Configuration " + file + " has errors; keepalived would run after correcting them");
        } else {
            err.println("Configuration " + file + " cannot be run");
        }
        err.flush();
        return status;
    }
}
