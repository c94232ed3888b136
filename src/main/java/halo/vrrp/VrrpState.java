package halo.vrrp;

/** States of a VRRP instance (and of a sync group) as keepalived names them in logs, notify arguments and the FIFO. */
public enum VrrpState {
    /** Configured, not started yet (RFC 5798 "Initialize"). */
    INIT,
    BACKUP,
    /** RFC 9568 calls it "Active". */
    MASTER,
    /** A tracked object with weight 0 failed (or the interface is down): no adverts, no addresses. */
    FAULT,
    /** Shut down. */
    STOP
}
