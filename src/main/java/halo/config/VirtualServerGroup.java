package halo.config;

import java.net.InetAddress;
import java.util.List;

/** A virtual_server_group: address ranges and fwmarks that share one virtual_server definition. */
public record VirtualServerGroup(String name, List<Entry> entries) {
    public VirtualServerGroup {
        entries = List.copyOf(entries);
    }

    public sealed interface Entry {}

    /**
     * {@code IP[-LAST] [PORT]}: addresses {@code first} .. {@code last} (the last byte/group replaced by LAST), one port
     * (0 = all ports).
     */
    public record Range(InetAddress first, InetAddress last, int port) implements Entry {}

    /** {@code fwmark N}. */
    public record Fwmark(int mark) implements Entry {}
}
