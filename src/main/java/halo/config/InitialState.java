package halo.config;

/** The state an instance asks for at start (keepalived's {@code state}); it always starts in BACKUP regardless. */
public enum InitialState { MASTER, BACKUP }
