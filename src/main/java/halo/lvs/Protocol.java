package halo.lvs;

/** virtual_server protocol. */
public enum Protocol { TCP, UDP, SCTP }
