package halo.os;

import java.util.HexFormat;

/**
 * A network interface as rtnetlink reports it (RTM_NEWLINK): index, name, IFF_* flags, hardware address, MTU
 * and RFC 2863 operational state.
 */
public record Link(int index, String name, int flags, byte[] hardwareAddress, int mtu, int operState) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_BROADCAST = 0x2;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_MULTICAST = 0x1000;
    public static final int IFF_LOWER_UP = 0x10000;
    /** IF_OPER_* (linux/if.h). */
    public static final int OPER_UNKNOWN = 0;
    public static final int OPER_DOWN = 2;
    public static final int OPER_UP = 6;

    public Link {
        hardwareAddress = hardwareAddress == null ? new byte[0] : hardwareAddress.clone();
    }

    @Override
    public byte[] hardwareAddress() {
        return hardwareAddress.clone();
    }

    /** Administratively up (ip link set up). */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    /**
     * Up and with carrier, as keepalived's track_interface sees it: IFF_UP and IFF_RUNNING (the kernel sets
     * RUNNING when the operational state is up).
     */
    public boolean isRunning() {
        return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
    }

    /** The MAC in the usual aa:bb:cc:dd:ee:ff form (empty when the link has none). */
    public String mac() {
        return HexFormat.ofDelimiter(":").formatHex(hardwareAddress);
    }

    @Override
    public String toString() {
        return "Link[" + index + " " + name + (isUp() ? " UP" : " DOWN") + (isRunning() ? " RUNNING" : "") + " "
                + mac() + " mtu " + mtu + "]";
    }
}
