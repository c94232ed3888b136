/**
 * Seeing the daemon from outside: Prometheus's text exposition format ({@link MetricsText}), the opt-in HTTP
 * listener that serves it with the status JSON ({@link MetricsServer}), the process's own figures
 * ({@link ProcessMetrics}). What the figures are is the daemon's business (halo.daemon's MetricsView); this package
 * only writes and serves them.
 */
package halo.observe;
