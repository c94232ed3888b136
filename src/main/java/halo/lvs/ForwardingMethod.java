package halo.lvs;

/** lb_kind / lvs_method: how IPVS forwards to the real server (NAT = masquerading, DR = direct routing, TUN = tunnelling). */
public enum ForwardingMethod { NAT, DR, TUN }
