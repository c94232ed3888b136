package halo.config;

import java.net.InetAddress;

/** What a virtual_server listens on: {@code IP PORT}, {@code fwmark N}, or {@code group NAME}. */
public sealed interface VirtualServerAddress {

    /** {@code virtual_server IP PORT}: port 0 means all ports (persistent services). */
    record Socket(InetAddress address, int port) implements VirtualServerAddress {}

    /** {@code virtual_server fwmark N}: packets marked by the firewall. */
    record Fwmark(int mark, AddressFamily family) implements VirtualServerAddress {}

    /** {@code virtual_server group NAME}: a virtual_server_group. */
    record Group(String name) implements VirtualServerAddress {}
}
