package halo.lvs.sched;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What lblc and lblcr share, as ip_vs_lblc.c and ip_vs_lblcr.c each write it: the 1024-bucket table keyed by the
 * connection's destination address (hash_32 of the folded address, 10 bits), its garbage collection timings, the
 * weighted least-connection pick over the service and the "overloaded while another server is under half load" rule.
 * Times are nanoseconds from the injected clock, compared as the kernel compares jiffies (wrapping difference).
 * E is the scheduler's table entry (a server for lblc, a server set for lblcr).
 */
public abstract sealed class Locality<E extends Locality.Entry> implements Scheduler
        permits LocalityBasedLeastConnection, LocalityBasedLeastConnectionWithReplication {
    static final int TAB_BITS = 10;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;
    /** tbl->max_size: more entries than this and the periodic check collects entries idle for ENTRY_TIMEOUT. */
    static final int MAX_SIZE = TAB_SIZE * 16;
    /** CHECK_EXPIRE_INTERVAL: how often the kernel's periodic timer runs (60 s). */
    public static final long CHECK_EXPIRE_INTERVAL_NANOS = 60_000_000_000L;
    /** ENTRY_TIMEOUT: 6 minutes. */
    static final long ENTRY_TIMEOUT_NANOS = 6 * 60_000_000_000L;
    /** DEFAULT_EXPIRATION, the lblc_expiration / lblcr_expiration sysctls' default: 24 hours. */
    public static final long DEFAULT_EXPIRATION_NANOS = 24 * 60 * 60_000_000_000L;
    /** COUNT_FOR_FULL_EXPIRATION: every 30th periodic check is a full one. */
    static final int COUNT_FOR_FULL_EXPIRATION = 30;

    final LongSupplier nanoClock;
    final long expirationNanos;
    final Table<E> table = new Table<>();

    /** NANO_CLOCK: a monotonic clock in nanoseconds (the kernel's jiffies); EXPIRATION_NANOS: the *_expiration sysctl. */
    Locality(LongSupplier nanoClock, long expirationNanos) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.expirationNanos = expirationNanos;
    }

    /** The kernel's lblc and lblcr have no add/del/upd_dest hooks: entries for a removed server are skipped as unavailable. */
    @Override
    public final void update(List<Destination> destinations) {
    }

    /** The kernel's periodic ip_vs_lblc(r)_check_expire; the data plane calls it every CHECK_EXPIRE_INTERVAL_NANOS. */
    public final void checkExpire() {
        table.checkExpire(nanoClock.getAsLong(), expirationNanos);
    }

    /** The number of destination addresses remembered. */
    public final int entries() {
        return table.entries;
    }

    /** ip_vs_lblc_hashkey / ip_vs_lblcr_hashkey. */
    static int hashKey(byte[] address) {
        return KernelHash.hash32(KernelHash.foldAddress(address), TAB_BITS);
    }

    /** time_before(a, b). */
    static boolean before(long a, long b) {
        return a - b < 0;
    }

    /** ip_vs_dest_conn_overhead: activeconns * 256 + inactconns. */
    static int overhead(Destination dest) {
        return (dest.activeConnections() << 8) + dest.inactiveConnections();
    }

    /** __ip_vs_lblc_schedule / __ip_vs_lblcr_schedule: weighted least connection, skipping overloaded servers. */
    static Destination leastConnection(List<Destination> destinations) {
        Destination least = null;
        int loh = 0;
        int i = 0;
        for (; i < destinations.size(); i++) {
            Destination dest = destinations.get(i);
            if (dest.overloaded()) continue;
            if (dest.weight() > 0) {
                least = dest;
                loh = overhead(least);
                break;
            }
        }
        if (least == null) return null;
        for (i++; i < destinations.size(); i++) {
            Destination dest = destinations.get(i);
            if (dest.overloaded()) continue;
            int doh = overhead(dest);
            if ((long) loh * dest.weight() > (long) doh * least.weight()) {
                least = dest;
                loh = doh;
            }
        }
        return least;
    }

    /** is_overloaded: more active connections than weight while some server has under half its weight in use. */
    static boolean overloaded(Destination dest, List<Destination> destinations) {
        if (dest.activeConnections() > dest.weight()) {
            for (Destination d : destinations) {
                if (d.activeConnections() * 2 < d.weight()) return true;
            }
        }
        return false;
    }

    /** IP_VS_DEST_F_AVAILABLE: the server is still one of the service's (not in the kernel's trash). */
    static boolean available(Destination dest, List<Destination> destinations) {
        for (Destination d : destinations) {
            if (d == dest) return true;
        }
        return false;
    }

    /** The hash table: buckets of entries, each entry keyed by an address; newest first in its bucket (hlist_add_head). */
    static final class Table<E extends Entry> {
        @SuppressWarnings("unchecked")
        final List<E>[] buckets = new List[TAB_SIZE];
        int entries;
        int rover;
        int counter = 1;

        Table() {
            for (int i = 0; i < TAB_SIZE; i++) buckets[i] = new ArrayList<>(0);
        }

        E get(byte[] address) {
            for (E en : buckets[hashKey(address)]) {
                if (Arrays.equals(en.address, address)) return en;
            }
            return null;
        }

        void add(E en) {
            buckets[hashKey(en.address)].addFirst(en);
            entries++;
        }

        void remove(E en) {
            buckets[hashKey(en.address)].remove(en);
            entries--;
        }

        /**
         * ip_vs_lblc_check_expire / ip_vs_lblcr_check_expire, the kernel's timer body: every 30th run drops every
         * entry unused for EXPIRATION; otherwise, only when the table holds more than {@link #MAX_SIZE} entries, drops
         * entries unused for ENTRY_TIMEOUT, bucket by bucket from the rover, until 4/3 of the excess (at most half the
         * maximum) is gone.
         */
        void checkExpire(long now, long expiration) {
            if (counter % COUNT_FOR_FULL_EXPIRATION == 0) {
                int j = rover;
                for (int i = 0; i < TAB_SIZE; i++) {
                    j = (j + 1) & TAB_MASK;
                    int before = buckets[j].size();
                    buckets[j].removeIf(en -> !before(now, en.lastUse + expiration));
                    entries -= before - buckets[j].size();
                }
                rover = j;
                counter = 1;
                return;
            }
            if (entries <= MAX_SIZE) {
                counter++;
                return;
            }
            int goal = (entries - MAX_SIZE) * 4 / 3;
            if (goal > MAX_SIZE / 2) goal = MAX_SIZE / 2;
            int j = rover;
            for (int i = 0; i < TAB_SIZE; i++) {
                j = (j + 1) & TAB_MASK;
                int before = buckets[j].size();
                buckets[j].removeIf(en -> !before(now, en.lastUse + ENTRY_TIMEOUT_NANOS));
                int removed = before - buckets[j].size();
                entries -= removed;
                goal -= removed;
                if (goal <= 0) break;
            }
            rover = j;
        }
    }

    /** An entry: the destination address it is for and when it was last used. */
    abstract static class Entry {
        final byte[] address;
        long lastUse;

        Entry(byte[] address, long lastUse) {
            this.address = address.clone();
            this.lastUse = lastUse;
        }
    }
}
