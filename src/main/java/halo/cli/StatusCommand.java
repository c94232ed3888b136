package halo.cli;

import halo.daemon.ControlServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code halo status}: asks a running daemon for every instance's state, priorities, master and counters. */
@Command(name = "status", description = "Show the running daemon's VRRP instances (states, priorities, masters, counters).")
public final class StatusCommand implements Callable<Integer> {

    @Option(names = "--control-socket", paramLabel = "PATH", description = "The daemon's control socket (default: ${DEFAULT-VALUE}).")
    Path controlSocket = ControlServer.DEFAULT_PATH;

    @Option(names = "--json", description = "Print JSON (one object) instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        try {
            System.out.print(ControlServer.ask(controlSocket, json ? "status json" : "status text"));
            return 0;
        } catch (IOException e) {
            System.err.println("halo status: no daemon answers on " + controlSocket + " (" + e.getMessage() + ")");
            return 1;
        }
    }
}
