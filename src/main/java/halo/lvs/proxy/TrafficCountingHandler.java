package halo.lvs.proxy;

import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A proxied connection's or flow's handler, with the traffic it carried since it last told its {@link Balancer}:
 * "in" is client to real server, as IPVS counts. A base class rather than a field, so an idle connection costs no
 * extra object.
 */
abstract class TrafficCountingHandler extends ChannelInboundHandlerAdapter {
    private long inPackets;
    private long outPackets;
    private long inBytes;
    private long outBytes;

    final void countIn(int bytes) {
        inPackets++;
        inBytes += bytes;
    }

    final void countOut(int bytes) {
        outPackets++;
        outBytes += bytes;
    }

    /** Tells BALANCER what PICKED carried since the last report, if anything. */
    final void reportTraffic(Balancer balancer, Picked picked) {
        if (inPackets != 0 || outPackets != 0) {
            balancer.traffic(picked, inPackets, outPackets, inBytes, outBytes);
            inPackets = 0;
            outPackets = 0;
            inBytes = 0;
            outBytes = 0;
        }
    }
}
