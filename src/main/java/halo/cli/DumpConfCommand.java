package halo.cli;

import halo.config.ConfigLoader;
import halo.config.ConfigWriter;
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

/** {@code halo dump-conf}: the normalized configuration (includes, conditionals, parameters resolved; defaults explicit). */
@Command(name = "dump-conf", mixinStandardHelpOptions = true,
        description = "Print the configuration as normalized keepalived.conf text, defaults explicit.")
public final class DumpConfCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "configuration file (default: ${DEFAULT-VALUE})")
    Path file = Path.of("/etc/keepalived/keepalived.conf");

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "config id for @ID lines (default: short host name)")
    String configId;

    @Override
    public Integer call() {
        LoadResult result = ConfigLoader.load(file, new LoadOptions(configId != null ? configId : shortHostName(), false));
        PrintWriter err = spec.commandLine().getErr();
        for (Diagnostic d : result.diagnostics()) {
            err.println(d);
        }
        err.flush();
        if (result.config() == null) {
            return 3;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(ConfigWriter.write(result.config()));
        out.flush();
        return 0;
    }

    /** keepalived's default config id: the host name up to the first dot. */
    static String shortHostName() {
        String name;
        try {
            // the kernel's host name, as gethostname(2); no DNS lookup
            name = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (Exception e) {
            name = System.getenv("HOSTNAME");
        }
        if (name == null || name.isBlank()) {
            name = "localhost";
        }
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
