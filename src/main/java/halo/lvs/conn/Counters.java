package halo.lvs.conn;

import halo.lvs.Stats;

/**
 * One service's or one real server's traffic counters and rate estimator (the kernel's struct ip_vs_stats with its
 * ip_vs_estimator, ip_vs_est.c). Counting is live; what {@code ipvsadm --stats} shows is the kernel's kstats, the
 * totals as of the estimator's last 2-second sample, minus the point where they were last zeroed ({@code -Z}); the
 * rates ({@code --rate}) are the estimator's moving averages: every 2 seconds
 * {@code avg += (delta << scale - avg) >> 2}, connections and packets scaled by 2^10 (delta << 9, as the 2 s
 * interval halves it), bytes by 2^5 (delta << 4), read back rounded ({@code (avg + 0x1FF) >> 10},
 * {@code (avg + 0xF) >> 5}).
 */
public final class Counters {
    /** The estimator's period: each estimator is sampled once every 2 seconds. */
    public static final long SAMPLE_INTERVAL_NANOS = 2_000_000_000L;

    private long conns, inPackets, outPackets, inBytes, outBytes;
    // kstats: the counters as the last estimation read them
    private long kConns, kInPackets, kOutPackets, kInBytes, kOutBytes;
    // kstats0: the zero point set by -Z
    private long zConns, zInPackets, zOutPackets, zInBytes, zOutBytes;
    // the estimator
    private long lastConns, lastInPackets, lastOutPackets, lastInBytes, lastOutBytes;
    private long cps, inPps, outPps, inBps, outBps;
    private long nextSample;
    private boolean running;

    /** Starts the estimator (ip_vs_start_estimator): its first sample is one interval after NOW. */
    void start(long now) {
        running = true;
        nextSample = now + SAMPLE_INTERVAL_NANOS;
    }

    /** ip_vs_stop_estimator: a removed real server's rates stay as they were until it comes back. */
    void stop() {
        running = false;
    }

    void connection() {
        conns++;
    }

    void in(long packets, long bytes) {
        inPackets += packets;
        inBytes += bytes;
    }

    void out(long packets, long bytes) {
        outPackets += packets;
        outBytes += bytes;
    }

    /**
     * Runs the estimator if a sample is due at NOW. The kernel's estimation thread does not replay missed periods:
     * a late sample sees the traffic of the whole gap as one period's, so the data plane calls this at least every
     * 2 seconds.
     */
    void estimate(long now) {
        if (!running || now - nextSample < 0) {
            return;
        }
        sample();
        nextSample += SAMPLE_INTERVAL_NANOS;
        if (now - nextSample >= 0) {
            nextSample = now + SAMPLE_INTERVAL_NANOS;
        }
    }

    /** ip_vs_chain_estimation for this estimator: read the counters into kstats and average the deltas. */
    void sample() {
        kConns = conns;
        kInPackets = inPackets;
        kOutPackets = outPackets;
        kInBytes = inBytes;
        kOutBytes = outBytes;
        long rate = (kConns - lastConns) << 9;
        lastConns = kConns;
        cps += (rate - cps) >> 2;
        rate = (kInPackets - lastInPackets) << 9;
        lastInPackets = kInPackets;
        inPps += (rate - inPps) >> 2;
        rate = (kOutPackets - lastOutPackets) << 9;
        lastOutPackets = kOutPackets;
        outPps += (rate - outPps) >> 2;
        rate = (kInBytes - lastInBytes) << 4;
        lastInBytes = kInBytes;
        inBps += (rate - inBps) >> 2;
        rate = (kOutBytes - lastOutBytes) << 4;
        lastOutBytes = kOutBytes;
        outBps += (rate - outBps) >> 2;
    }

    /** ip_vs_zero_stats: the last sampled totals become the zero point; the rates restart from 0. */
    public void zero() {
        zConns = kConns;
        zInPackets = kInPackets;
        zOutPackets = kOutPackets;
        zInBytes = kInBytes;
        zOutBytes = kOutBytes;
        lastConns = kConns;
        lastInPackets = kInPackets;
        lastOutPackets = kOutPackets;
        lastInBytes = kInBytes;
        lastOutBytes = kOutBytes;
        cps = inPps = outPps = inBps = outBps = 0;
    }

    /** What {@code ipvsadm -L --stats} shows (ip_vs_copy_stats): the last sample's totals minus the zero point. */
    public Stats totals() {
        return new Stats(kConns - zConns, kInPackets - zInPackets, kOutPackets - zOutPackets, kInBytes - zInBytes,
                kOutBytes - zOutBytes);
    }

    /** What {@code ipvsadm -L --rate} shows (ip_vs_read_estimator): CPS, InPPS, OutPPS, InBPS, OutBPS. */
    public Stats rates() {
        return new Stats((cps + 0x1FF) >> 10, (inPps + 0x1FF) >> 10, (outPps + 0x1FF) >> 10, (inBps + 0xF) >> 5,
                (outBps + 0xF) >> 5);
    }

    /** The counters as they are now, before the next sample (not what ipvsadm shows). */
    public Stats current() {
        return new Stats(conns, inPackets, outPackets, inBytes, outBytes);
    }
}
