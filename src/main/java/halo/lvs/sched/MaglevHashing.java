package halo.lvs.sched;

import halo.lvs.ServiceFlag;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * mh, the kernel's ip_vs_mh.c (Maglev hashing): a lookup table of 4093 entries (CONFIG_IP_VS_MH_TAB_INDEX 12, the
 * fifth of the kernel's primes), filled as ip_vs_mh_populate does: each destination's preference list comes from two
 * hsiphash values of its address and port under the kernel's fixed keys (offset and skip), the destinations take turns
 * in list order, each claiming weight / gcd (shifted right so the largest fits in 6 bits) free entries per turn. The
 * client address (plus its port with mh-port) picks the entry; an unavailable server (weight 0 or overloaded) gives no
 * server, unless mh-fallback walks on as ip_vs_mh_get_fallback does.
 *
 * <p>The fill uses each destination's last non-zero weight (the kernel's last_weight), so quiescing a server keeps its
 * entries and its clients are not moved to the others; this scheduler remembers it per {@link Destination} object
 * across {@link #update} calls.
 *
 * <p>{@link #lookupTable()} exposes the table, so a data plane that looks flows up itself (nftables) uses the same one.
 */
public final class MaglevHashing implements Scheduler {
    /** The kernel's primes[] for the table size; CONFIG_IP_VS_MH_TAB_INDEX 12 picks primes[12 - 8]. */
    static final int[] PRIMES = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};
    static final int TAB_INDEX_CONFIG = 12;
    static final int TAB_BITS = TAB_INDEX_CONFIG / 2;
    public static final int TAB_SIZE = PRIMES[TAB_INDEX_CONFIG - 8];

    // generate_hash_secret: hash1 = {2654435761, 2654435761}, hash2 = {2654446892, 2654446892}
    static final long HASH1 = 2654435761L;
    static final long HASH2 = 2654446892L;

    private final boolean fallback;
    private final boolean port;
    private final Destination[] lookup = new Destination[TAB_SIZE];
    private final int[] indexes = new int[TAB_SIZE];
    private final Map<Destination, Integer> lastWeights = new IdentityHashMap<>();

    /** FLAGS: {@link ServiceFlag#SCHED1} is mh-fallback, {@link ServiceFlag#SCHED2} mh-port; others ignored. */
    public MaglevHashing(int flags) {
        this.fallback = (flags & ServiceFlag.SCHED1.bit()) != 0;
        this.port = (flags & ServiceFlag.SCHED2.bit()) != 0;
        Arrays.fill(indexes, -1);
    }

    @Override
    public String name() {
        return "mh";
    }

    @Override
    public void update(List<Destination> destinations) {
        int n = destinations.size();
        int[] lastWeight = new int[n];
        Map<Destination, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            Destination dest = destinations.get(i);
            Integer last = lastWeights.get(dest);
            // __ip_vs_update_dest: "keep the last_weight with latest non-0 weight"; a new destination takes its weight
            lastWeight[i] = last == null || dest.weight() != 0 ? dest.weight() : last;
            seen.put(dest, lastWeight[i]);
        }
        lastWeights.clear();
        lastWeights.putAll(seen);

        int gcd = gcdWeight(lastWeight);
        int rshift = shiftWeight(lastWeight, gcd);
        if (gcd < 1) {
            // ip_vs_mh_populate with gcd < 1: ip_vs_mh_reset
            Arrays.fill(lookup, null);
            Arrays.fill(indexes, -1);
            return;
        }
        // ip_vs_mh_permutate
        int[] offset = new int[n];
        int[] skip = new int[n];
        int[] perm = new int[n];
        int[] turns = new int[n];
        for (int i = 0; i < n; i++) {
            Destination dest = destinations.get(i);
            byte[] address = dest.address().getAddress();
            offset[i] = Integer.remainderUnsigned(hashKey(address, dest.port(), HASH1, 0), TAB_SIZE);
            skip[i] = Integer.remainderUnsigned(hashKey(address, dest.port(), HASH2, 0), TAB_SIZE - 1) + 1;
            perm[i] = offset[i];
            int lw = lastWeight[i];
            int t = (lw / gcd) >> rshift;
            turns[i] = t != 0 ? t : (lw != 0 ? 1 : 0);
        }
        // ip_vs_mh_populate: entries keep their previous server until overwritten, but every entry is overwritten
        boolean[] taken = new boolean[TAB_SIZE];
        int filled = 0;
        int turn = 0;
        int d = 0;
        while (true) {
            if (turns[d] < 1) {
                d = (d + 1) % n;
                continue;
            }
            int c = perm[d];
            while (taken[c]) {
                perm[d] += skip[d];
                if (perm[d] >= TAB_SIZE) perm[d] -= TAB_SIZE;
                c = perm[d];
            }
            taken[c] = true;
            lookup[c] = destinations.get(d);
            indexes[c] = d;
            if (++filled == TAB_SIZE) return;
            if (++turn >= turns[d]) {
                turn = 0;
                d = (d + 1) % n;
            }
        }
    }

    /** ip_vs_mh_gcd_weight: gcd of the positive last weights, 0 when there is none. */
    static int gcdWeight(int[] lastWeight) {
        int g = 0;
        for (int w : lastWeight) {
            if (w > 0) g = g > 0 ? gcd(w, g) : w;
        }
        return g;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** ip_vs_mh_shift_weight: fls(max weight / gcd) - IP_VS_MH_TAB_BITS, at least 0. */
    static int shiftWeight(int[] lastWeight, int gcd) {
        if (gcd < 1) return 0;
        int max = 0;
        for (int w : lastWeight) max = Math.max(max, w);
        int fls = 32 - Integer.numberOfLeadingZeros(max / gcd);
        return Math.max(fls - TAB_BITS, 0);
    }

    /** ip_vs_mh_hashkey: hsiphash of the u32 offset + ntohs(port) + ntohl(addr_fold) under KEY (both words equal). */
    static int hashKey(byte[] address, int port, long key, int offset) {
        int v = offset + port + KernelHash.foldAddress(address);
        return KernelHash.hsiphash32(v, key, key);
    }

    @Override
    public Destination schedule(List<Destination> destinations, Flow flow) {
        int hashPort = port ? flow.sourcePort() : 0;
        byte[] address = flow.sourceAddress();
        int ihash = Integer.remainderUnsigned(hashKey(address, hashPort, HASH1, 0), TAB_SIZE);
        Destination dest = lookup[ihash];
        if (dest == null) return null;
        if (!SourceHashing.unavailable(dest)) return dest;
        if (!fallback) return null;
        for (int offset = 0; offset < TAB_SIZE; offset++) {
            int roffset = (offset + ihash) % TAB_SIZE;
            dest = lookup[Integer.remainderUnsigned(hashKey(address, hashPort, HASH1, roffset), TAB_SIZE)];
            if (dest == null) break;
            if (!SourceHashing.unavailable(dest)) return dest;
        }
        return null;
    }

    /**
     * The lookup table: for each of the {@value #TAB_SIZE} entries the index of its server in the list last given to
     * {@link #update}, or -1 when the table is empty (no destination with a non-zero last weight). A copy.
     */
    public int[] lookupTable() {
        return indexes.clone();
    }

    /** The entry a client address and port (0 without mh-port) hash to: ip_vs_mh_hashkey(..., hash1, 0) % size. */
    public static int entryFor(byte[] address, int port) {
        return Integer.remainderUnsigned(hashKey(address, port, HASH1, 0), TAB_SIZE);
    }
}
