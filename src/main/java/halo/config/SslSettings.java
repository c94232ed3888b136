package halo.config;

/** The top-level SSL block used by SSL_GET: files are paths, any may be {@code null}. */
public record SslSettings(String password, String caFile, String certificate, String key) {}
