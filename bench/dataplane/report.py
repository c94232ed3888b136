#!/usr/bin/env python3
"""Medians of bench/dataplane/run's measurements, the table with ratios, and the raw results as JSON.

Usage: report.py RESULTS_JSONL MACHINE_JSON OUT_JSON FAILED_PATHS_FILE
"""
import json
import statistics
import sys

PATHS = ["direct", "dr-minimal", "dr-halo", "nat-minimal", "nat-halo", "proxy"]
# the floor each Halo path is compared with (issue 12: at least 0.95x of the minimal ruleset)
FLOOR = {"dr-halo": "dr-minimal", "nat-halo": "nat-minimal"}
ROWS = [("keepalive", "keep-alive"), ("close", "new connection per request")]


def main():
    results_path, machine_path, out_path, failed_path = sys.argv[1:5]
    with open(results_path) as f:
        measurements = [json.loads(line) for line in f if line.strip()]
    with open(machine_path) as f:
        machine = json.load(f)
    with open("/proc/loadavg") as f:
        machine["load_after"] = " ".join(f.read().split()[:3])
    with open(failed_path) as f:
        failed = [line.strip() for line in f if line.strip()]
    medians = {}
    for row, _ in ROWS:
        for path in PATHS:
            ms = [m for m in measurements if m["path"] == path and m["row"] == row]
            if ms:
                medians[(path, row)] = {
                    "rps": statistics.median(m["rps"] for m in ms),
                    "p99_ms": statistics.median(m["p99_ms"] for m in ms),
                    "errors": sum(m["errors"] for m in ms),
                    "runs": len(ms),
                }
    print()
    print("| path | row | requests/s | p99 | errors | vs direct | vs its floor (goal >= 0.95) |")
    print("|---|---|---|---|---|---|---|")
    for row, label in ROWS:
        direct = medians.get(("direct", row))
        for path in PATHS:
            m = medians.get((path, row))
            if m is None:
                continue
            vs_direct = f"{m['rps'] / direct['rps']:.2f}" if direct and path != "direct" else ""
            floor = medians.get((FLOOR.get(path), row))
            vs_floor = f"**{m['rps'] / floor['rps']:.2f}** ({FLOOR[path]})" if floor and path in FLOOR else ""
            print(f"| {path} | {label} | {m['rps']:,.0f} | {m['p99_ms']:.2f} ms | {m['errors']} | {vs_direct} | {vs_floor} |")
    print()
    print(f"machine: {machine['nproc']} CPUs, {machine['cpu']}, kernel {machine['kernel']}, load {machine['load_before']}"
          f" before, {machine['load_after']} after; {machine['nginx']}, {machine['wrk']}, {machine['nft']}")
    print(f"settings: {machine['settings']}")
    for path in failed:
        print(f"{path}: not measured (did not serve through both real servers; see above)")
    with open(out_path, "w") as f:
        json.dump({"machine": machine, "failed": failed,
                   "medians": [{"path": p, "row": r, **v} for (p, r), v in medians.items()],
                   "measurements": measurements}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
