package halo.lvs.sched;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * lblc, the kernel's ip_vs_lblc.c: each destination address (the packet's, as for a cache cluster) keeps the server it
 * was last given; a new connection to it goes there again while that server is still in the service, has a weight and
 * is not overloaded in lblc's sense (more active connections than its weight while another server runs under half its
 * weight); otherwise the weighted least-connection server (overhead = active * 256 + inactive) is picked and
 * remembered. Entries are collected as the kernel's periodic timer does: the data plane calls {@link #checkExpire()}
 * every {@link #CHECK_EXPIRE_INTERVAL_NANOS}.
 */
public final class LocalityBasedLeastConnection extends Locality<LocalityBasedLeastConnection.Entry> {
    /** NANO_CLOCK: a monotonic clock in nanoseconds (the kernel's jiffies); the lblc_expiration sysctl's default. */
    public LocalityBasedLeastConnection(LongSupplier nanoClock) {
        this(nanoClock, DEFAULT_EXPIRATION_NANOS);
    }

    /** EXPIRATION_NANOS: the lblc_expiration sysctl, how long an unused entry lives past a full check. */
    public LocalityBasedLeastConnection(LongSupplier nanoClock, long expirationNanos) {
        super(nanoClock, expirationNanos);
    }

    @Override
    public String name() {
        return "lblc";
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        byte[] address = flow.destinationAddress();
        long now = nanoClock.getAsLong();
        Entry en = table.get(address);
        if (en != null) {
            en.lastUse = now;
            Destination dest = en.dest;
            if (Locality.available(dest, destinations) && dest.weight() > 0
                    && !Locality.overloaded(dest, destinations)) {
                return dest;
            }
        }
        Destination dest = Locality.leastConnection(destinations);
        if (dest == null) return null;
        // ip_vs_lblc_new: keep an entry already pointing there, else replace it
        en = table.get(address);
        if (en != null) {
            if (en.dest == dest) return dest;
            table.remove(en);
        }
        table.add(new Entry(address, now, dest));
        return dest;
    }

    /** The server remembered for a destination address, or null. */
    public Destination remembered(byte[] destinationAddress) {
        Entry en = table.get(destinationAddress);
        return en == null ? null : en.dest;
    }

    static final class Entry extends Locality.Entry {
        final Destination dest;

        Entry(byte[] address, long lastUse, Destination dest) {
            super(address, lastUse);
            this.dest = dest;
        }
    }
}
