package halo.sim;

import java.util.ArrayList;
import java.util.List;

/** A multicast domain (one Ethernet broadcast domain): every interface on it hears multicast sent on it. */
public final class Segment {
    private final Simulation sim;
    private final String name;
    private final List<SimInterface> members = new ArrayList<>();
    private LinkModel link;
    private final Rng rng;
    long sent, delivered, lost, duplicated, blocked;

    Segment(Simulation sim, String name, LinkModel link, Rng rng) {
        this.sim = sim;
        this.name = name;
        this.link = link;
        this.rng = rng;
    }

    public String name() {
        return name;
    }

    public LinkModel link() {
        return link;
    }

    public void setLink(LinkModel link) {
        this.link = link;
    }

    public List<SimInterface> members() {
        return List.copyOf(members);
    }

    void add(SimInterface i) {
        members.add(i);
    }

    public long sent() {
        return sent;
    }

    public long delivered() {
        return delivered;
    }

    public long lost() {
        return lost;
    }

    public long duplicated() {
        return duplicated;
    }

    static boolean isMulticast(byte[] a) {
        return a.length == 4 ? (a[0] & 0xF0) == 0xE0 : (a[0] & 0xFF) == 0xFF;
    }

    void transmit(SimInterface from, byte[] dst, int ttl, byte[] payload, int offset, int length) {
        sent++;
        if (!from.isUp()) return;
        boolean multicast = isMulticast(dst);
        byte[] src = dst.length == 4 ? from.ipv4() : from.ipv6();
        LinkModel m = link;
        for (int k = 0, n = members.size(); k < n; k++) {
            SimInterface to = members.get(k);
            if (to == from || to.node() == from.node()) continue; // keepalived turns IP_MULTICAST_LOOP off
            if (!multicast && !to.owns(dst)) continue;
            if (!to.isUp() || !to.node().isUp() || !sim.connected(from.node(), to.node())) {
                blocked++;
                continue;
            }
            if (rng.chance(m.loss())) {
                lost++;
                continue;
            }
            int copies = rng.chance(m.duplicate()) ? 2 : 1;
            if (copies == 2) duplicated++;
            for (int c = 0; c < copies; c++) {
                long delay = m.delayNanos();
                if (m.jitterNanos() > 0) delay += rng.nextLong(m.jitterNanos() + 1);
                if (m.reorderNanos() > 0 && rng.chance(m.reorder())) delay += rng.nextLong(m.reorderNanos() + 1);
                sim.acquireDelivery().set(this, from, to, src, dst, ttl, payload, offset, length, sim.now() + delay);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
