package halo.lvs.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * lblcr, the kernel's ip_vs_lblcr.c: each destination address keeps a set of servers; a new connection goes to the
 * set's weighted least-connection server unless that one is overloaded in lblc's sense (more active connections than
 * its weight while another server runs under half its weight), in which case the service's weighted least-connection
 * server is picked and added to the set. A set of more than one not changed for the expiration time (lblcr_expiration,
 * 24 h) loses its most loaded server. Entries are collected as the kernel's periodic timer does: the data plane calls
 * {@link #checkExpire()} every {@link #CHECK_EXPIRE_INTERVAL_NANOS}.
 */
public final class LocalityBasedLeastConnectionWithReplication extends Locality<LocalityBasedLeastConnectionWithReplication.Entry> {
    public LocalityBasedLeastConnectionWithReplication(LongSupplier nanoClock) {
        this(nanoClock, DEFAULT_EXPIRATION_NANOS);
    }

    /** EXPIRATION_NANOS: the lblcr_expiration sysctl. */
    public LocalityBasedLeastConnectionWithReplication(LongSupplier nanoClock, long expirationNanos) {
        super(nanoClock, expirationNanos);
    }

    @Override
    public String name() {
        return "lblcr";
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        byte[] address = flow.destinationAddress();
        long now = nanoClock.getAsLong();
        Entry en = table.get(address);
        if (en != null) {
            en.lastUse = now;
            Destination dest = setMin(en, destinations);
            // more than one server and the set unchanged for the expiration time: drop the most loaded
            if (en.set.size() > 1 && Locality.before(en.lastModified + expirationNanos, now)) {
                Destination most = setMax(en);
                if (most != null) {
                    en.set.remove(most);
                    en.lastModified = now;
                }
            }
            if (dest != null && !Locality.overloaded(dest, destinations)) return dest;
            dest = Locality.leastConnection(destinations);
            if (dest == null) return null;
            insert(en, dest, now);
            return dest;
        }
        Destination dest = Locality.leastConnection(destinations);
        if (dest == null) return null;
        en = new Entry(address, now);
        insert(en, dest, now);
        table.add(en);
        return dest;
    }

    /** ip_vs_dest_set_insert with check: newest first, the set's modification time only when it changes. */
    private static void insert(Entry en, Destination dest, long now) {
        for (Destination d : en.set) {
            if (d == dest) return;
        }
        en.set.addFirst(dest);
        en.lastModified = now;
    }

    /** ip_vs_dest_set_min: weighted least connection among the set's usable servers. */
    private static Destination setMin(Entry en, List<Destination> destinations) {
        List<Destination> set = en.set;
        Destination least = null;
        int loh = 0;
        int i = 0;
        for (; i < set.size(); i++) {
            Destination d = set.get(i);
            if (d.overloaded()) continue;
            if (d.weight() > 0 && Locality.available(d, destinations)) {
                least = d;
                loh = Locality.overhead(d);
                break;
            }
        }
        if (least == null) return null;
        for (i++; i < set.size(); i++) {
            Destination d = set.get(i);
            if (d.overloaded()) continue;
            int doh = Locality.overhead(d);
            if ((long) loh * d.weight() > (long) doh * least.weight() && Locality.available(d, destinations)) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    /** ip_vs_dest_set_max: weighted most connection among the set's servers with a weight. */
    private static Destination setMax(Entry en) {
        List<Destination> set = en.set;
        Destination most = null;
        int moh = 0;
        int i = 0;
        for (; i < set.size(); i++) {
            Destination d = set.get(i);
            if (d.weight() > 0) {
                most = d;
                moh = Locality.overhead(d);
                break;
            }
        }
        if (most == null) return null;
        for (i++; i < set.size(); i++) {
            Destination d = set.get(i);
            int doh = Locality.overhead(d);
            if ((long) moh * d.weight() < (long) doh * most.weight() && d.weight() > 0) {
                most = d;
                moh = doh;
            }
        }
        return most;
    }

    /** The server set for a destination address, newest first, or an empty list. A copy. */
    public List<Destination> serverSet(byte[] destinationAddress) {
        Entry en = table.get(destinationAddress);
        return en == null ? List.of() : List.copyOf(en.set);
    }

    static final class Entry extends Locality.Entry {
        final List<Destination> set = new ArrayList<>(2);
        long lastModified;

        Entry(byte[] address, long now) {
            super(address, now);
            this.lastModified = now;
        }
    }
}
