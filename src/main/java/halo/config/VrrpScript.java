package halo.config;

import java.time.Duration;

/**
 * A vrrp_script: a command run every {@code interval}; exit 0 is success.
 *
 * @param weight  -253..253 (0 by default: a failure puts tracking instances in FAULT)
 * @param reverse weight applied in the reverse sense
 * @param timeout time after which a run counts as failed (= interval by default)
 * @param rise    consecutive successes to become OK (1)
 * @param fall    consecutive failures to become failed (1)
 * @param initFail start in the failed state
 */
public record VrrpScript(String name, ScriptCommand script, Duration interval, Duration timeout, int weight,
                         boolean reverse, int rise, int fall, boolean initFail) {}
