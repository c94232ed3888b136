package halo.cli;

import static halo.Version.VERSION;

import picocli.CommandLine.Command;

@Command(name = "version", description = "Print Halo's version.")
public final class VersionCommand implements Runnable, picocli.CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"Halo " + VERSION};
    }

    @Override
    public void run() {
        System.out.println("Halo " + VERSION + " (keepalived-compatible; Java " + Runtime.version() + ")");
    }

}
