package halo.config;

/** virtual_server protocol. */
public enum Protocol { TCP, UDP, SCTP }
