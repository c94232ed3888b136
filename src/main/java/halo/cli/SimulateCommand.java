package halo.cli;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.sim.Durations;
import halo.sim.LinkModel;
import halo.sim.ScriptedEvent;
import halo.sim.SimulatedLan;
import halo.sim.Timeline;
import halo.sim.Transition;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code halo simulate}: runs keepalived.conf files as nodes on one simulated LAN and prints every VRRP state change,
 * so an operator sees what nopreempt, weights and sync groups will do before deploying.
 */
@Command(name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Runs keepalived.conf files as nodes on one simulated LAN (virtual time, no packets leave this host) and "
                    + "prints every VRRP state change, then the master of each virtual router.",
            "Nodes are named after their files (node1.conf -> node1). Every interface a config names exists on the LAN.",
            "States are keepalived's (INIT, BACKUP, MASTER, FAULT, STOP); DOWN marks a crashed node.",
            "Events: crash NODE, restore NODE, stop NODE, fail-script NODE SCRIPT, recover-script NODE SCRIPT, "
                    + "link-down NODE IFACE, link-up NODE IFACE, partition NODE..., heal, loss P."},
        footer = {"", "Example:",
            "  halo simulate -f node1.conf -f node2.conf --for 30s --event \"5s crash node1\" --event \"15s restore node1\""})
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--use-file"}, required = true, paramLabel = "FILE",
            description = "a node's keepalived.conf (repeat for each node)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--for", paramLabel = "DURATION", defaultValue = "30s",
            description = "virtual time to simulate (default ${DEFAULT-VALUE}; 500ms, 1.5s, 2m)")
    String duration;

    @Option(names = "--event", paramLabel = "\"TIME ACTION ARGS\"", description = "a scripted event, e.g. \"5s crash node1\"")
    List<String> events = new ArrayList<>();

    @Option(names = "--loss", paramLabel = "P", defaultValue = "0", description = "packet loss probability, 0..1")
    double loss;

    @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "100us", description = "one-way LAN delay (default ${DEFAULT-VALUE})")
    String delay;

    @Option(names = "--jitter", paramLabel = "DURATION", defaultValue = "0", description = "extra random delay per packet, up to this")
    String jitter;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "random seed: the same seed replays the same run (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "one JSON object per transition: t_ms, node, instance, from, to, reason")
    boolean json;

    @Option(names = "--log", description = "also print keepalived's log lines of every node, interleaved")
    boolean log;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID", description = "config-id for @ID lines (default: node name)")
    String configId;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        long until;
        LinkModel link;
        List<ScriptedEvent> scripted = new ArrayList<>();
        try {
            until = Durations.parseNanos(duration);
            if (loss < 0 || loss > 1) throw new IllegalArgumentException("--loss must be in [0, 1]");
            link = LinkModel.CLEAN.withDelay(Durations.parseNanos(delay), Durations.parseNanos(jitter)).withLoss(loss);
            for (String e : events) scripted.add(ScriptedEvent.parse(e));
            scripted.sort(java.util.Comparator.comparingLong(ScriptedEvent::atNanos));
        } catch (IllegalArgumentException e) {
            err.println("halo simulate: " + e.getMessage());
            return 2;
        }

        Map<String, KeepalivedConfig> nodes = new LinkedHashMap<>();
        boolean failed = false;
        for (Path file : files) {
            String name = nodeName(file);
            if (nodes.containsKey(name)) {
                err.println("halo simulate: two files give the node name '" + name + "'");
                return 2;
            }
            LoadResult r = ConfigLoader.load(file, new LoadOptions(configId != null ? configId : name, false));
            for (Diagnostic d : r.diagnostics()) err.println(name + ": " + d);
            if (r.config() == null) {
                err.println("halo simulate: " + file + ": configuration cannot run");
                failed = true;
                continue;
            }
            nodes.put(name, r.config());
        }
        if (failed) return 3;

        SimulatedLan lan;
        try {
            lan = SimulatedLan.fromConfigs(seed, link, nodes);
            lan.schedule(scripted);
        } catch (IllegalArgumentException e) {
            err.println("halo simulate: " + e.getMessage());
            return 2;
        }
        if (!json) {
            out.println("Simulating " + nodes.size() + " node(s) " + String.join(", ", nodes.keySet()) + " for "
                    + Transition.formatMillis(until) + " ms, seed " + seed
                    + (loss > 0 ? String.format(Locale.ROOT, ", loss %.2f", loss) : ""));
            for (ScriptedEvent e : scripted) out.println("  event at " + e);
            out.println();
        }
        lan.timeline().addListener(t -> out.println(json ? t.toJson() : t.toLine()));
        if (log) {
            lan.setLogging(true);
            lan.addLogListener(line -> (json ? err : out).println("  log " + line));
        }
        lan.runUntil(until);

        Timeline timeline = lan.timeline();
        PrintStream summary = json ? err : out;
        summary.println();
        summary.println("At " + Transition.formatMillis(until) + " ms:");
        for (Map.Entry<Timeline.RouterKey, List<String>> e : timeline.masters().entrySet()) {
            List<String> masters = e.getValue();
            String who = masters.isEmpty() ? "no master" : masters.size() == 1 ? "MASTER " + masters.get(0)
                    : "MASTER on " + masters.size() + " nodes (split brain): " + String.join(", ", masters);
            summary.println("  " + e.getKey() + " (" + String.join(", ", lan.instanceNames(e.getKey())) + "): " + who);
        }
        return 0;
    }

    static String nodeName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
