/**
 * Health checkers: keepalived's TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK, MISC_CHECK, UDP_CHECK,
 * PING_CHECK and FILE_CHECK with keepalived's semantics.
 *
 * <p>Use: build {@link halo.check.CheckerSpec}s (from the configuration with
 * {@link halo.check.ConfigCheckers#build}), add them to a {@link halo.check.CheckerEngine}, and receive verdicts
 * and weight changes in a {@link halo.check.CheckerListener} (which the LVS table consumes).
 *
 * <p>Layers: the retry/alpha/warmup rules are pure ({@link halo.check.StandardCheckerLogic},
 * {@link halo.check.HttpCheckerLogic}, {@link halo.check.FileCheckerLogic}); probes do the I/O, each bounded by
 * connect_timeout (TCP on one non-blocking connect loop, the others on virtual threads; PING and UDP through FFM
 * sockets); the engine schedules them on one timer thread.
 */
package halo.check;
