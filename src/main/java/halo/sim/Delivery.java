package halo.sim;

/** One copy of a packet in flight to one interface; pooled, so a steady run allocates nothing per packet. */
final class Delivery extends SimEvent {
    private final Simulation sim;
    private Segment segment;
    private SimInterface from;
    private SimInterface to;
    private byte[] src;
    private final byte[] dst4 = new byte[4];
    private final byte[] dst6 = new byte[16];
    private byte[] dst;
    private int ttl;
    private byte[] buf = new byte[128];
    private int length;

    Delivery(Simulation sim) {
        this.sim = sim;
    }

    void set(Segment segment, SimInterface from, SimInterface to, byte[] src, byte[] dst, int ttl, byte[] payload,
             int offset, int length, long at) {
        this.segment = segment;
        this.from = from;
        this.to = to;
        this.src = src;
        this.dst = dst.length == 4 ? dst4 : dst6;
        System.arraycopy(dst, 0, this.dst, 0, this.dst.length);
        this.ttl = ttl;
        if (buf.length < length) buf = new byte[Math.max(length, buf.length * 2)];
        System.arraycopy(payload, offset, buf, 0, length);
        this.length = length;
        sim.scheduleDelivery(this, at);
    }

    @Override
    protected void fire() {
        try {
            // A cable cut or a crash while the packet was in flight loses it.
            if (to.node().isUp() && to.isUp() && sim.connected(from.node(), to.node())) {
                segment.delivered++;
                to.node().deliver(to, src, dst, ttl, buf, 0, length);
            } else {
                segment.blocked++;
            }
        } finally {
            segment = null;
            from = null;
            to = null;
            src = null;
            sim.releaseDelivery(this);
        }
    }
}
