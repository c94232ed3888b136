import halo.lvs.Protocol;
import halo.lvs.proxy.Balancer;
import halo.lvs.proxy.Picked;
import halo.lvs.proxy.ProxyEngine;
import halo.lvs.proxy.ProxyService;
import halo.lvs.proxy.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The proxy engine alone, for bench/proxy-quick/run: one TCP service on 127.0.0.1:PORT, round robin over the given
 * backends. Usage: QuickProxy TRANSPORT PORT BACKEND_PORT...
 */
public final class QuickProxy {
    public static void main(String[] args) throws Exception {
        Transport transport = Transport.valueOf(args[0]);
        int port = Integer.parseInt(args[1]);
        InetSocketAddress[] backends = new InetSocketAddress[args.length - 2];
        for (int i = 2; i < args.length; i++) {
            backends[i - 2] = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[i]));
        }
        record P(InetSocketAddress destination) implements Picked { }
        Balancer rr = new Balancer() {
            int next;
            public Picked open(InetSocketAddress c, InetSocketAddress s, Protocol p) {
                return new P(backends[next++ % backends.length]);
            }
            public void established(Picked p) { }
            public void halfClosed(Picked p) { }
            public void closed(Picked p) { }
            public void traffic(Picked p, long a, long b, long c, long d) { }
        };
        ProxyEngine engine = ProxyEngine.start(transport, 1,
                r -> Thread.ofPlatform().name("proxy").unstarted(r), null);
        engine.add(ProxyService.of(new InetSocketAddress("127.0.0.1", port), Protocol.TCP), rr);
        System.out.println("ready");
        new CountDownLatch(1).await();
    }
}
