package halo.config;

/**
 * Halo's own virtual_server keywords for the userspace proxy data plane (keepalived has none of them and would call
 * them unknown): how real servers learn the client's address, and how many connections the service takes at once.
 *
 * @param header         {@code proxy_protocol v1|v2}: a PROXY protocol header before the client's bytes
 * @param transparent    {@code proxy_transparent}: connect to the real server from the client's own address
 * @param maxConnections {@code proxy_max_connections N}: connections beyond N are refused (0: no limit)
 */
public record ProxySettings(ProxyHeader header, boolean transparent, int maxConnections) {
    public enum ProxyHeader { NONE, V1, V2 }

    public static final ProxySettings DEFAULT = new ProxySettings(ProxyHeader.NONE, false, 0);

    public ProxySettings {
        if (header == null) header = ProxyHeader.NONE;
        if (maxConnections < 0) throw new IllegalArgumentException("negative connection limit");
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }
}
