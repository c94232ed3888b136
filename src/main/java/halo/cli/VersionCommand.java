package halo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "version", description = "Print Halo's version.")
public final class VersionCommand implements Runnable {

    static final String VERSION = "0.1.0";

    @Override
    public void run() {
        System.out.println("Halo " + VERSION + " (keepalived-compatible; Java " + Runtime.version() + ")");
    }

    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Halo " + VERSION};
        }
    }
}
