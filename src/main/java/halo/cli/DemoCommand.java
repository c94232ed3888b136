package halo.cli;

import halo.demo.FailoverLab;
import halo.demo.FailoverLab.Event;
import halo.demo.FailoverLab.Outcome;
import halo.demo.LvsLab;
import halo.demo.SeedTopology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code halo demo}: the seeds' LVS-DR topology, live (a client, two directors with VRRP and the nftables data plane,
 * two real servers): the spread of requests by weight, a real server stopped and back, the master director crashed.
 * {@code --vrrp-only} is the earlier demo: two directors (each a web server plus Halo or keepalived) failing over.
 * Builds everything in network namespaces and removes it at the end.
 */
@Command(name = "demo", description = {
        "Show the seeds' LVS-DR topology balancing and failing over: a client, two directors (Halo: VRRP + the nftables",
        "data plane, lb_kind DR, wrr 3/1) and two real servers in network namespaces. --vrrp-only: two directors",
        "(web server + Halo or keepalived) failing over, without load balancing.",
        "Needs root. Everything it creates is removed when it ends."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--vrrp-only", description = "The VRRP failover demo (two directors serving the VIP themselves, no load balancing); --daemon, --vrrp-version, --events, --runs and --json apply to it.")
    boolean vrrpOnly;

    @Option(names = "--daemon", paramLabel = "halo|keepalived", description = "Which VRRP daemon runs on the directors (default: halo).")
    String daemonName = "halo";

    @Option(names = "--advert-int", paramLabel = "SECONDS", description = "advert_int of both directors (default: ${DEFAULT-VALUE}).")
    String advertInt = "1";

    @Option(names = "--vrrp-version", paramLabel = "2|3", description = "VRRP version (default: ${DEFAULT-VALUE}).")
    int version = 2;

    @Option(names = "--events", split = ",", paramLabel = "stop|crash", description = "What happens to the master, in order (default: stop,crash).")
    List<String> events = List.of("stop", "crash");

    @Option(names = "--runs", description = "Repeat the events this many times (default: ${DEFAULT-VALUE}).")
    int runs = 1;

    @Option(names = "--json", description = "Print one JSON object per disruption instead of the live view.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        FailoverLab.Daemon daemon;
        try {
            daemon = FailoverLab.Daemon.valueOf(daemonName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("halo demo: --daemon takes halo or keepalived, not '" + daemonName + "'");
            return 2;
        }
        if (!SeedTopology.isRoot()) {
            System.err.println("halo demo needs root: it creates network namespaces (ip netns), a bridge and raw VRRP sockets."
                    + " Run it as root (sudo bin/halo demo).");
            return 1;
        }
        if (!vrrpOnly) {
            if (json || !daemonName.equals("halo") || version != 2) {
                System.err.println("halo demo: --daemon, --vrrp-version and --json go with --vrrp-only (the LVS-DR demo runs Halo with VRRPv2)");
                return 2;
            }
            if (advertInt.contains(".")) {
                System.err.println("halo demo: VRRPv2 takes whole seconds for advert_int");
                return 2;
            }
            return lvsDemo(out);
        }
        if (version == 2 && advertInt.contains(".")) {
            System.err.println("halo demo: VRRPv2 takes whole seconds for advert_int; use --vrrp-version 3 for " + advertInt);
            return 2;
        }
        List<Event> plan = new ArrayList<>();
        for (String e : events) {
            plan.add(Event.valueOf(e.toUpperCase(Locale.ROOT)));
        }
        if (!json) {
            out.println("Halo demo: the seeds' nginx + keepalived layout in network namespaces");
            out.println("  dir1 192.0.2.11 (priority 150) and dir2 192.0.2.12 (priority 100): web server + " + daemon.name().toLowerCase());
            out.println("  VIP 192.0.2.100, VRRPv" + version + ", advert_int " + advertInt + "; client 192.0.2.50 fetches http://192.0.2.100/ every ms");
            out.println();
        }
        List<Outcome> outcomes = new ArrayList<>();
        try (FailoverLab lab = new FailoverLab(daemon, advertInt, version, out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(lab::close));
            lab.printChanges(!json);
            lab.startDirector(1);
            lab.startDirector(2);
            if (!lab.awaitAnswersFrom("dir1", Duration.ofSeconds(60))) {
                System.err.println("halo demo: dir1 never answered on the VIP; director logs:\n" + lab.directorLog(1) + lab.directorLog(2));
                return 1;
            }
            for (int run = 0; run < runs; run++) {
                for (Event e : plan) {
                    if (!json) {
                        out.println(e == Event.STOP ? "           demo: stopping dir1 (SIGTERM: priority 0 advert)"
                                : "           demo: crashing dir1 (SIGKILL: no goodbye)");
                    }
                    Outcome o = lab.disrupt(1, e, "dir2");
                    report(out, daemon, o);
                    outcomes.add(o);
                    if (!o.from().equals("dir1") || !o.to().equals("dir2")) {
                        return failed(lab, "after " + e.name().toLowerCase() + " of dir1 the client saw " + o.from()
                                + " -> " + o.to() + ", not dir1 -> dir2");
                    }
                    if (!json) {
                        out.println("           demo: starting dir1 again (higher priority: it preempts)");
                    }
                    Outcome back = lab.restore(1, "dir1");
                    report(out, daemon, back);
                    outcomes.add(back);
                    if (!back.to().equals("dir1")) {
                        return failed(lab, "dir1 did not take the VIP back after it was started again (the client saw "
                                + back.from() + " -> " + back.to() + ")");
                    }
                }
            }
        }
        if (!json) {
            out.println();
            out.println("Summary (what the client saw):");
            out.printf("  %-8s %-12s %12s%n", "event", "answered by", "outage ms");
            for (Outcome o : outcomes) {
                out.printf("  %-8s %-12s %12.1f%n", o.event().name().toLowerCase(), o.from() + " -> " + o.to(), o.outageMicros() / 1000.0);
            }
            out.println("Everything the demo created (namespaces, processes) is gone.");
        }
        return 0;
    }

    /** The LVS-DR demo: what the client sees of the spread, a real server's stop and return, and a director's crash. */
    private int lvsDemo(PrintStream out) throws Exception {
        out.println("Halo demo: the seeds' LVS-DR layout in network namespaces");
        out.println("  dir1 192.0.2.11 (priority 150) and dir2 192.0.2.12 (priority 100): Halo, VRRP + the nftables data plane");
        out.println("  VIP " + LvsLab.VIP + ":80, lb_kind DR, wrr: rs1 192.0.2.21 weight 3, rs2 192.0.2.22 weight 1, TCP_CHECK each");
        out.println("  rs1, rs2: a web server answering with its name, the VIP on lo (halo realserver start)");
        out.println("  client 192.0.2.50: a new connection to http://" + LvsLab.VIP + "/ every ms, and one keep-alive connection asking every 10 ms");
        out.println();
        try (LvsLab lab = new LvsLab(advertInt, out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(lab::close));
            lab.startDirector(1);
            lab.startDirector(2);
            if (!lab.awaitServing(Duration.ofSeconds(60))) {
                System.err.println("halo demo: dir1 did not hold the VIP with both real servers answering within 60 s;"
                        + " director logs:\n"
                        + lab.directorLog(1) + lab.directorLog(2));
                return 1;
            }
            java.util.Map<String, Long> spread = lab.spread(400);
            out.printf(Locale.ROOT, "  spread of 400 new connections: rs1 %d, rs2 %d (weights 3:1)%n",
                    spread.getOrDefault("rs1", 0L), spread.getOrDefault("rs2", 0L));
            out.println("  demo: stopping rs1's web server (its TCP_CHECK fails; Halo takes it out of the table)");
            LvsLab.Outcome stop = lab.stopRealServer("rs1");
            out.printf(Locale.ROOT, "  demo: %d of %d fetches failed, over %.1f ms, until rs1 was out%n", stop.failures(),
                    stop.probes(), stop.outageMicros() / 1000.0);
            spread = lab.spread(200);
            out.printf(Locale.ROOT, "  spread of 200 new connections: rs1 %d, rs2 %d%n", spread.getOrDefault("rs1", 0L),
                    spread.getOrDefault("rs2", 0L));
            LvsLab.LongLived beforeReturn = lab.longLived();
            out.println("  demo: starting rs1's web server again");
            LvsLab.Outcome back = lab.startRealServer("rs1");
            out.printf(Locale.ROOT, "  demo: rs1 answered again %.1f ms later (its checker put it back)%n", back.outageMicros() / 1000.0);
            LvsLab.LongLived afterReturn = lab.longLived();
            out.printf(Locale.ROOT, "  demo: the long-lived connection (served by %s) across rs1's return: %s%n", afterReturn.servedBy(),
                    afterReturn.errors() == beforeReturn.errors() ? "kept" : "cut (" + afterReturn.lastError() + ")");
            // the backup has no flow state: it keeps a connection whose hash over today's table is its real server, which
            // holds for a connection begun on the table as it is now
            lab.awaitSameSchedule(Duration.ofSeconds(30));
            lab.reopenLongLived(Duration.ofSeconds(20));
            LvsLab.LongLived before = lab.longLived();
            out.printf(Locale.ROOT, "  demo: a new long-lived connection, opened on the table as it is now, served by %s%n", before.servedBy());
            lab.resetLongLivedStall();
            out.println("  demo: crashing dir1 (SIGKILL and cable pulled: no goodbye)");
            LvsLab.Outcome crash = lab.crashMaster();
            out.printf(Locale.ROOT, "  demo: the client's new connections saw an outage of %.1f ms; dir2 holds the VIP: %s%n",
                    crash.outageMicros() / 1000.0, lab.holdsVip(2) ? "yes" : "no");
            // its lost segments come back on TCP's retransmission schedule (0.2, 0.6, 1.4, 3.0, 6.2 s...), so it may
            // answer some seconds after the new connections do
            boolean answered = lab.awaitLongLivedAnswers(before.answered() + 10, Duration.ofSeconds(30));
            LvsLab.LongLived after = lab.longLived();
            out.printf(Locale.ROOT, "  demo: the long-lived connection (served by %s): %s, longest stall %.1f ms%n",
                    after.servedBy(), !answered ? "no answer within 30 s"
                            : after.errors() == before.errors() ? "kept, no reset"
                            : "cut (" + after.lastError() + "), reconnected", after.longestStallMicros() / 1000.0);
        }
        out.println("Everything the demo created (namespaces, processes) is gone.");
        return 0;
    }

    /** A disruption that did not move the VIP as planned: say so with the directors' logs (a figure would mislead). */
    private static int failed(FailoverLab lab, String what) throws java.io.IOException {
        System.err.println("halo demo: " + what + "; director logs:\n" + lab.directorLog(1) + lab.directorLog(2));
        return 1;
    }

    private void report(PrintStream out, FailoverLab.Daemon daemon, Outcome o) {
        if (json) {
            out.printf(Locale.ROOT, "{\"daemon\":\"%s\",\"version\":%d,\"advert_int\":\"%s\",\"event\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"outage_ms\":%.3f,\"probes\":%d,\"failed_probes\":%d}%n",
                    daemon.name().toLowerCase(), version, advertInt, o.event().name().toLowerCase(), o.from(), o.to(),
                    o.outageMicros() / 1000.0, o.probes(), o.failures());
        } else {
            out.printf(Locale.ROOT, "           demo: %s -> %s, the client saw an outage of %.1f ms%n", o.from().isEmpty() ? "(none)" : o.from(), o.to(), o.outageMicros() / 1000.0);
        }
    }
}
