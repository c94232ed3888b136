#!/usr/bin/env python3
"""Medians of bench/proxy/run's measurements, the table with Halo/HAProxy ratios, and the raw results as JSON.

Usage: report.py RESULTS_JSONL MACHINE_JSON OUT_JSON HALO_STATUS
"""
import json
import statistics
import sys

# (key in a measurement, label, unit, better: "higher" or "lower", row)
FIGURES = [
    ("rps", "keep-alive requests/s", "req/s", "higher", "keepalive"),
    ("p99_ms", "keep-alive p99 latency", "ms", "lower", "keepalive"),
    ("rps", "new connection per request requests/s", "req/s", "higher", "close"),
    ("p99_ms", "new connection per request p99 latency", "ms", "lower", "close"),
    ("proxy_cpu_us_per_req", "keep-alive proxy CPU per request", "us", "lower", "keepalive"),
    ("proxy_cpu_us_per_req", "new connection proxy CPU per request", "us", "lower", "close"),
    ("proxy_cpu_pct", "bulk proxy CPU", "% core", "lower", "bulk"),
    ("bytes_per_conn", "memory per idle connection", "bytes", "lower", "memory"),
    ("startup_rss_mb", "start-up RSS (not counted)", "MB", "lower", "memory"),
    ("gbit_s", "bulk throughput, one stream", "Gbit/s", "higher", "bulk"),
]
PROXIES = ["direct", "haproxy", "halo"]


def main():
    results_path, machine_path, out_path, halo_status = sys.argv[1:5]
    measurements = []
    with open(results_path) as f:
        for line in f:
            if line.strip():
                measurements.append(json.loads(line))
    with open(machine_path) as f:
        machine = json.load(f)
    with open("/proc/loadavg") as f:
        machine["load_after"] = " ".join(f.read().split()[:3])
    medians = {}
    for key, label, unit, better, row in FIGURES:
        for proxy in PROXIES:
            values = [m[key] for m in measurements if m["proxy"] == proxy and m["row"] == row and m.get(key) is not None]
            medians.setdefault(proxy, {})[row + "." + key] = {
                "median": statistics.median(values) if values else None, "runs": len(values), "unit": unit,
                "min": min(values) if values else None, "max": max(values) if values else None}

    print()
    for name in ("nproc", "kernel", "cpu", "load_before", "load_after", "haproxy", "nginx", "wrk", "java", "settings"):
        print("%-12s %s" % (name + ":", machine.get(name, "")))
    print()
    print("%-42s %10s %12s %12s %10s  %s" % ("row (median of runs)", "no proxy", "HAProxy", "Halo", "Halo/HAP", "better"))
    for key, label, unit, better, row in FIGURES:
        d = medians["direct"][row + "." + key]
        ds = ("%10.0f" if unit in ("req/s", "bytes") else "%10.2f") % d["median"] if d["median"] is not None else "%10s" % ""
        h = medians["haproxy"][row + "." + key]
        q = medians["halo"][row + "." + key]
        fmt = "%12.0f" if unit in ("req/s", "bytes") else "%12.2f"
        hs = (fmt % h["median"]) if h["median"] is not None else "%12s" % "-"
        qs = (fmt % q["median"]) if q["median"] is not None else "%12s" % "-"
        ratio = "%10.2f" % (q["median"] / h["median"]) if h["median"] and q["median"] is not None else "%10s" % "-"
        direction = "higher is better" if better == "higher" else "lower is better"
        print("%-42s %s %s %s %s  %s, %s (%d/%d runs)" % (label, ds, hs, qs, ratio, unit, direction, h["runs"], q["runs"]))
    if halo_status != "serving":
        print()
        print("Halo: " + halo_status)
    with open(out_path, "w") as f:
        json.dump({"machine": machine, "halo": halo_status, "medians": medians, "measurements": measurements}, f,
                  indent=2)
        f.write("\n")
    print()
    print("raw results: " + out_path)


if __name__ == "__main__":
    main()
