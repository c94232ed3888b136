package halo.lvs.sched;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Destinations named A, B, C... (192.0.2.1, .2, .3...) and their choices as a string, for the scheduler tests. */
final class Dests {
    private static final Flow FLOW = new Flow();

    private Dests() {}

    static List<Destination> withWeights(int... weights) {
        List<Destination> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            try {
                InetAddress address = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) (i + 1)});
                list.add(new Destination(address, 80, weights[i]));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return list;
    }

    static String name(Destination d) {
        return d == null ? "-" : String.valueOf((char) ('A' + d.address().getAddress()[3] - 1));
    }

    /** N choices with the loads left as they are. */
    static String picks(Scheduler scheduler, List<Destination> destinations, int n) {
        StringJoiner out = new StringJoiner(" ");
        for (int i = 0; i < n; i++) {
            out.add(name(scheduler.schedule(destinations, FLOW)));
        }
        return out.toString();
    }

    /** N choices, each chosen destination getting one more active connection (connections that stay open). */
    static String picksOpening(Scheduler scheduler, List<Destination> destinations, int n) {
        StringJoiner out = new StringJoiner(" ");
        for (int i = 0; i < n; i++) {
            Destination d = scheduler.schedule(destinations, FLOW);
            out.add(name(d));
            if (d != null) {
                d.activeConnections(d.activeConnections() + 1);
            }
        }
        return out.toString();
    }

    static Destination pick(Scheduler scheduler, List<Destination> destinations) {
        return scheduler.schedule(destinations, FLOW);
    }
}
