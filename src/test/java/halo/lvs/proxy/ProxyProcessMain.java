package halo.lvs.proxy;

import halo.lvs.Protocol;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The engine alone in a process of its own (for tests that must starve it of descriptors without starving the test
 * JVM): one TCP service on 127.0.0.1:PORT to DEST_HOST DEST_PORT. Prints "ready", serves until stdin closes.
 */
public final class ProxyProcessMain {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        InetSocketAddress destination = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        try (ProxyEngine engine = ProxyEngine.start(1, null)) {
            engine.add(ProxyService.of(new InetSocketAddress("127.0.0.1", port), Protocol.TCP),
                    new RecordingBalancer(List.of(destination)));
            System.out.println("ready");
            System.out.flush();
            System.in.readAllBytes();
        }
    }
}
