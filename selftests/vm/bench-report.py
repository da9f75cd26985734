#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum up make bench: the "# BENCH CPUS CONFIG METRIC VALUE" lines of the
benchmark VMs' logs, as a markdown report on stdout and in --out.

    bench-report.py --kernel KVER --reps N --out FILE LOG...

Each figure is the median of the runs, with their minimum and maximum.
docs/performance-analysis.md, if present, is appended: what the figures
mean and what is left to do (it is written by hand).
"""
import argparse
import datetime
import os
import re
import statistics
import sys

BENCH = re.compile(r"^# BENCH (\d+) (\S+) (\S+) (\d+)\s*$")
PROFILE = re.compile(r"^# PROFILE (\S+) (.*\S)\s*$")
CONFIGS = ("none", "conntrack", "flowsess")
NETWORK = (
    ("tcp1", "TCP, 1 stream (Mbit/s)"),
    ("tcp8", "TCP, 8 streams (Mbit/s)"),
    ("udp64", "UDP, 64-byte datagrams, 10 000 flows (packets/s)"),
    ("conns", "new TCP connections per second"),
    ("conn_failures", "... connections that failed, of 20 000"),
)


def collect(paths):
    """The figures, by (cpus, config, metric), and the profiles' lines, by
    config."""
    runs, profiles = {}, {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = BENCH.match(line.strip())
                if m:
                    key = (int(m.group(1)), m.group(2), m.group(3))
                    runs.setdefault(key, []).append(int(m.group(4)))
                m = PROFILE.match(line.strip())
                if m:
                    profiles.setdefault(m.group(1), []).append(m.group(2))
    return runs, profiles


def median(runs, cpus, config, metric):
    values = runs.get((cpus, config, metric))
    return statistics.median(values) if values else None


def cell(runs, cpus, config, metric):
    values = runs.get((cpus, config, metric))
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:,.0f}"
    return f"{med:,.0f} ({min(values):,}-{max(values):,})"


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def profile_section(runs, profiles):
    """perf during the UDP test: the hooks' cost per packet, top symbols."""
    out = ["## Where the CPU goes in the UDP test (perf, 2 vCPUs)\n",
           "`perf record -a -g` (cpu-clock, 499 Hz) during one more UDP test. "
           "Every netfilter hook runs under `nf_hook_slow()`: its share of all "
           "samples (idle included), with what it calls, is the cost of the "
           "configuration's hooks; divided by the packets forwarded, their CPU "
           "time per packet.\n",
           "| configuration | samples in `nf_hook_slow()` and below | hook time per packet (ns) |",
           "|---|---|---|"]
    for cfg in CONFIGS:
        share = median(runs, 2, cfg, "hook_share_x100")
        share = "-" if share is None else f"{share / 100:.2f} %"
        out.append(f"| {cfg} | {share} | {cell(runs, 2, cfg, 'hook_ns_per_packet')} |")
    a, b, c = (median(runs, 2, cfg, "hook_ns_per_packet") for cfg in CONFIGS)
    if a is not None and b and c:
        out.append(f"\nWithout the hooks of (a), there in all three (see below): "
                   f"conntrack {b - a:,.0f} ns, flowsess {c - a:,.0f} ns per packet; "
                   f"flowsess / conntrack {ratio(c - a, b - a)}.\n")
    for cfg in CONFIGS:
        if cfg in profiles:
            out.append(f"The functions the samples under `nf_hook_slow()` were in, {cfg} "
                       "(2 % of them or more):\n")
            out.append("```")
            out.extend(profiles[cfg])
            out.append("```\n")
    return out


def report(runs, profiles, kernel, reps):
    out = []
    date = datetime.date.today().isoformat()
    out.append("# flowsess performance\n")
    out.append(f"Measured by `make bench` on {date}: Debian's kernel {kernel} under QEMU "
               "(TCG software emulation, no KVM, `-cpu max`, 2 GiB), on the selftests' "
               "client / router / server topology (veth between network namespaces). "
               "The router runs (a) no hook, (b) nf_conntrack with an nftables forward "
               "chain (`ct state established,related accept`, new TCP SYN, UDP and "
               f"ICMP accepted) or (c) flowsess with its defaults, in turn. Each figure is the "
               f"median of {reps} runs (minimum-maximum in brackets). Under emulation absolute "
               "figures are far below real hardware; the ratios are the point.\n")
    out.append("## Through the router, 2 vCPUs\n")
    out.append("| measure | (a) no hook | (b) nf_conntrack | (c) flowsess | c / a | c / b |")
    out.append("|---|---|---|---|---|---|")
    for metric, label in NETWORK:
        a, b, c = (median(runs, 2, cfg, metric) for cfg in CONFIGS)
        out.append(f"| {label} | {cell(runs, 2, 'none', metric)} | "
                   f"{cell(runs, 2, 'conntrack', metric)} | {cell(runs, 2, 'flowsess', metric)} | "
                   f"{ratio(c, a)} | {ratio(c, b)} |")
    out.append("")

    a, b, c = (median(runs, 2, cfg, "udp64") for cfg in CONFIGS)
    overhead = None
    if a and b and c:
        ov_b = 1e6 / b - 1e6 / a
        ov_c = 1e6 / c - 1e6 / a
        # A hook that ran faster than no hook is noise, not a cost.
        overhead = ov_c / ov_b if ov_b > 0 and ov_c >= 0 else None
        out.append("## Per-packet cost over no hook (from the UDP rate, 2 vCPUs)\n")
        out.append("| | µs per packet | over (a) |")
        out.append("|---|---|---|")
        out.append(f"| (a) no hook | {1e6 / a:.2f} | - |")
        out.append(f"| (b) nf_conntrack | {1e6 / b:.2f} | {ov_b:+.2f} |")
        out.append(f"| (c) flowsess | {1e6 / c:.2f} | {ov_c:+.2f} |")
        out.append("")
        if overhead is None:
            out.append("A configuration with a hook forwarded faster than no hook: "
                       "this run's UDP figures are within the noise, no ratio.\n")

    if profiles:
        out.extend(profile_section(runs, profiles))

    out.append("## Scaling from 1 to 2 vCPUs\n")
    out.append("| measure | configuration | 1 vCPU | 2 vCPUs | 2 / 1 |")
    out.append("|---|---|---|---|---|")
    for metric, label in NETWORK:
        for cfg in CONFIGS:
            one, two = median(runs, 1, cfg, metric), median(runs, 2, cfg, metric)
            if one is None and two is None:
                continue
            out.append(f"| {label} | {cfg} | {cell(runs, 1, cfg, metric)} | "
                       f"{cell(runs, 2, cfg, metric)} | {ratio(two, one)} |")
    out.append("")

    out.append("## The session table on its own (flowsess, N buckets for N sessions)\n")
    out.append("The memory floor is two dependent reads at random places of arrays "
               "the size of the bucket array and of the sessions, without the table: "
               "what the machine charges for the memory a lookup touches.\n")
    out.append("| sessions | insert (ns) | lookup, hit (ns) | lookup, miss (ns) "
               "| entries a hit walks | memory floor (ns) | hit above the floor (ns) |")
    out.append("|---|---|---|---|---|---|---|")
    for n in (1000, 100000, 1000000):
        walk = median(runs, 2, "flowsess", f"table_walk_x100_{n}")
        walk = f"{walk / 100:.2f}" if walk is not None else "-"
        hit = median(runs, 2, "flowsess", f"table_lookup_ns_{n}")
        floor = median(runs, 2, "flowsess", f"table_memory_ns_{n}")
        above = f"{hit - floor:,.0f}" if hit is not None and floor is not None else "-"
        out.append(f"| {n:,} | {cell(runs, 2, 'flowsess', f'table_insert_ns_{n}')} | "
                   f"{cell(runs, 2, 'flowsess', f'table_lookup_ns_{n}')} | "
                   f"{cell(runs, 2, 'flowsess', f'table_miss_ns_{n}')} | {walk} | "
                   f"{cell(runs, 2, 'flowsess', f'table_memory_ns_{n}')} | {above} |")
    out.append("")
    l1k = median(runs, 2, "flowsess", "table_lookup_ns_1000")
    l1m = median(runs, 2, "flowsess", "table_lookup_ns_1000000")
    f1k = median(runs, 2, "flowsess", "table_memory_ns_1000")
    f1m = median(runs, 2, "flowsess", "table_memory_ns_1000000")
    mem_f = median(runs, 2, "flowsess", "bytes_per_session")
    mem_c = median(runs, 2, "conntrack", "bytes_per_session")
    out.append("## Memory per session (slab object size)\n")
    out.append("| flowsess | nf_conntrack |")
    out.append("|---|---|")
    out.append(f"| {mem_f if mem_f else '-'} bytes | {mem_c if mem_c else '-'} bytes |")
    out.append("")

    def target(name, value, goal, met):
        mark = "-" if met is None else ("yes" if met else "**no**")
        out.append(f"| {name} | {value} | {goal} | {mark} |")

    out.append("## Targets\n")
    out.append("| target | measured | goal | met |")
    out.append("|---|---|---|---|")
    for metric, label in NETWORK[:2]:
        a, c = median(runs, 2, "none", metric), median(runs, 2, "flowsess", metric)
        r = c / a if a and c else None
        target(f"{label}: flowsess / no hook", ratio(c, a), ">= 0.95",
               None if r is None else r >= 0.95)
    target("per-packet cost over no hook: flowsess / conntrack",
           f"{overhead:.2f}" if overhead is not None else "-", "<= 0.5",
           None if overhead is None else overhead <= 0.5)
    ha, hb, hc = (median(runs, 2, cfg, "hook_ns_per_packet") for cfg in CONFIGS)
    hr = (hc - ha) / (hb - ha) if ha is not None and hb and hc and hb > ha else None
    target("... the hooks' time per packet by perf, over (a): flowsess / conntrack",
           "-" if hr is None else f"{hr:.2f}", "<= 0.5", None if hr is None else hr <= 0.5)
    b, c = median(runs, 2, "conntrack", "conns"), median(runs, 2, "flowsess", "conns")
    target("new connections per second: flowsess / conntrack", ratio(c, b), ">= 1.5",
           None if not (b and c) else c / b >= 1.5)
    a = median(runs, 2, "none", "conns")
    target("... no hook at all / conntrack (the most any hook can reach)", ratio(a, b),
           "(the limit)", None)
    target("lookup at 1 M sessions / at 1 k", ratio(l1m, l1k), "<= 1.5",
           None if not (l1k and l1m) else l1m / l1k <= 1.5)
    target("... the memory floor alone, 1 M / 1 k", ratio(f1m, f1k), "(the machine)", None)
    w1k = median(runs, 2, "flowsess", "table_walk_x100_1000")
    w1m = median(runs, 2, "flowsess", "table_walk_x100_1000000")
    target("... entries a hit walks, 1 M / 1 k", ratio(w1m, w1k), "<= 1.5",
           None if not (w1k and w1m) else w1m / w1k <= 1.5)
    target("bytes per session", f"{mem_f}" if mem_f else "-", "<= 128",
           None if not mem_f else mem_f <= 128)
    out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--reps", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()

    runs, profiles = collect(args.logs)
    if not runs:
        sys.exit("bench-report: no BENCH lines in the logs")
    text = report(runs, profiles, args.kernel, args.reps)
    analysis = os.path.join(os.path.dirname(args.out), "performance-analysis.md")
    if os.path.exists(analysis):
        with open(analysis) as f:
            text += "\n" + f.read()
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
