/**
 * IP addresses as text, below every other package: no I/O and no dependency on the rest of Halo, so the
 * configuration, the VRRP codec and state machine, the checkers and the LVS views all print an address the same way.
 */
package halo.net;
