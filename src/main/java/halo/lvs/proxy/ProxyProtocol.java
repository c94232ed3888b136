package halo.lvs.proxy;

/** Which PROXY protocol header (haproxy's doc/proxy-protocol.txt) the proxy sends a real server first. */
public enum ProxyProtocol { NONE, V1, V2 }
