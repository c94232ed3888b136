package halo.lvs.proxy;

import java.net.InetSocketAddress;

/** The balancer's choice for one connection: its destination (the real server) and whatever the balancer keeps
 *  with it (its accounting entry). */
public interface Picked {
    InetSocketAddress destination();
}
