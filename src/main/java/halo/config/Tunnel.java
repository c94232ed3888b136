package halo.config;

/**
 * TUN details ({@code lvs_method TUN type ipip|gue port N [nocsum|csum|remcsum]|gre [nocsum|csum]}).
 *
 * @param type     encapsulation
 * @param port     GUE destination port, 0 otherwise
 * @param checksum none, csum or remcsum
 */
public record Tunnel(Type type, int port, String checksum) {
    public enum Type { IPIP, GUE, GRE }

    public static final Tunnel IPIP = new Tunnel(Type.IPIP, 0, null);
}
