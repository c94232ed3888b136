package halo.os;

import java.net.InetAddress;

/**
 * Run in a child JVM without CAP_NET_RAW / CAP_NET_ADMIN (see CapabilitiesTest): prints what a user would see
 * when Halo lacks them.
 */
public final class CapabilityProbe {
    private CapabilityProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("missing: " + HostOs.missingVrrpCapabilities());
        try (VrrpSocket s = VrrpSocket.open(false, null, null)) {
            System.out.println("socket: opened fd " + s.fd());
        } catch (NativeException e) {
            System.out.println("socket: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try (RtNetlink rt = RtNetlink.open()) {
            int lo = rt.interfaceIndex("lo");
            rt.addAddress(HostAddress.of(lo, InetAddress.getByName("192.0.2.1"), 32));
            System.out.println("address: added");
        } catch (NativeException e) {
            System.out.println("address: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
