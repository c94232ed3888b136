package halo.lvs.sched;

import halo.lvs.ServiceFlag;
import java.util.Arrays;
import java.util.List;

/**
 * sh, the kernel's ip_vs_sh.c: a table of 256 buckets (IP_VS_SH_TAB_BITS 8) filled by walking the destinations in list
 * order, each taking as many consecutive buckets as its weight (a weight of 0 still takes one, as ip_vs_sh_reassign
 * does), round and round until the table is full; the client address (plus its port with sh-port) picks the bucket
 * through hash_32. A bucket whose server is unavailable (weight 0 or overloaded) gives no server, unless sh-fallback
 * walks on as ip_vs_sh_get_fallback does.
 */
public final class SourceHashing implements Scheduler {
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;

    private final boolean fallback;
    private final boolean port;
    private final Destination[] buckets = new Destination[TAB_SIZE];
    private final int[] indexes = new int[TAB_SIZE];

    /** FLAGS: {@link ServiceFlag#SCHED1} is sh-fallback, {@link ServiceFlag#SCHED2} sh-port; others ignored. */
    public SourceHashing(int flags) {
        this.fallback = (flags & ServiceFlag.SCHED1.bit()) != 0;
        this.port = (flags & ServiceFlag.SCHED2.bit()) != 0;
        Arrays.fill(indexes, -1);
    }

    @Override
    public String name() {
        return "sh";
    }

    @Override
    public void update(List<Destination> destinations) {
        fill(destinations, buckets, indexes, true);
    }

    /** ip_vs_sh_reassign (WEIGHTED) and ip_vs_dh_reassign (not weighted: one bucket each). */
    static void fill(List<Destination> destinations, Destination[] buckets, int[] indexes, boolean weighted) {
        if (destinations.isEmpty()) {
            Arrays.fill(buckets, null);
            Arrays.fill(indexes, -1);
            return;
        }
        int d = 0;
        int count = 0;
        for (int i = 0; i < buckets.length; i++) {
            Destination dest = destinations.get(d);
            buckets[i] = dest;
            indexes[i] = d;
            if (!weighted || ++count >= dest.weight()) {
                d = (d + 1) % destinations.size();
                count = 0;
            }
        }
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        int hashPort = port ? flow.sourcePort() : 0;
        return fallback ? getFallback(flow.sourceAddress(), hashPort) : get(flow.sourceAddress(), hashPort);
    }

    /** ip_vs_sh_hashkey: (offset + hash_32(ntohs(port) + ntohl(addr_fold), 8)) & 255. */
    static int hashKey(byte[] address, int port, int offset) {
        return (offset + KernelHash.hash32(port + KernelHash.foldAddress(address), TAB_BITS)) & TAB_MASK;
    }

    private Destination get(byte[] address, int port) {
        Destination dest = buckets[hashKey(address, port, 0)];
        return dest == null || unavailable(dest) ? null : dest;
    }

    private Destination getFallback(byte[] address, int port) {
        int ihash = hashKey(address, port, 0);
        Destination dest = buckets[ihash];
        if (dest == null) return null;
        if (!unavailable(dest)) return dest;
        // as the kernel: offsets from the original hash, each hashed again (so bucket = offset + 2 * ihash, mod 256)
        for (int offset = 0; offset < TAB_SIZE; offset++) {
            int roffset = (offset + ihash) % TAB_SIZE;
            dest = buckets[hashKey(address, port, roffset)];
            if (dest == null) break;
            if (!unavailable(dest)) return dest;
        }
        return null;
    }

    static boolean unavailable(Destination dest) {
        return dest.weight() <= 0 || dest.overloaded();
    }

    /** The table as indexes into the list last given to {@link #update}, -1 for an empty bucket. A copy. */
    public int[] lookupTable() {
        return indexes.clone();
    }
}
