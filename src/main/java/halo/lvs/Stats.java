package halo.lvs;

/**
 * Five IPVS counters, in the kernel's order. The same shape carries totals ({@code --stats}: connections, packets and
 * bytes in and out) and rates ({@code --rate}: per second). Data planes fill them in; the table only keeps them.
 */
public record Stats(long connections, long inPackets, long outPackets, long inBytes, long outBytes) {
    public static final Stats ZERO = new Stats(0, 0, 0, 0, 0);
}
