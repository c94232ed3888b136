package halo.lvs.sched;

import java.util.Arrays;
import java.util.List;

/**
 * dh, the kernel's ip_vs_dh.c: a table of 256 buckets (IP_VS_DH_TAB_BITS 8) filled with the destinations in list order,
 * one bucket each, round and round (weights play no part in the fill); the connection's destination address picks the
 * bucket through hash_32. A bucket whose server is unavailable (weight 0 or overloaded) gives no server: dh has no
 * fallback.
 */
public final class DestinationHashing implements Scheduler {
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;

    private final Destination[] buckets = new Destination[TAB_SIZE];
    private final int[] indexes = new int[TAB_SIZE];

    public DestinationHashing() {
        Arrays.fill(indexes, -1);
    }

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public void update(List<Destination> destinations) {
        // the kernel rebuilds on add_dest and del_dest only; a weight change would rebuild the same table anyway
        SourceHashing.fill(destinations, buckets, indexes, false);
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        Destination dest = buckets[hashKey(flow.destinationAddress())];
        return dest == null || SourceHashing.unavailable(dest) ? null : dest;
    }

    /** ip_vs_dh_hashkey: hash_32(ntohl(addr_fold), 8). */
    static int hashKey(byte[] address) {
        return KernelHash.hash32(KernelHash.foldAddress(address), TAB_BITS);
    }

    /** The table as indexes into the list last given to {@link #update}, -1 for an empty bucket. A copy. */
    public int[] lookupTable() {
        return indexes.clone();
    }
}
