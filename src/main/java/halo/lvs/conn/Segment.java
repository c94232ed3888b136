package halo.lvs.conn;

/**
 * What a TCP segment carries, as IPVS's tcp_state_idx reads its flags: RST first, then SYN, then FIN, then ACK (so
 * a SYN+ACK is a SYN, a FIN+ACK a FIN, and any data segment an ACK). The order is the kernel's row order.
 */
public enum Segment { SYN, FIN, ACK, RST }
