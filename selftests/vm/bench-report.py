#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum up make bench: the "# BENCH MODE CONFIG METRIC VALUE" lines of the
benchmark VMs' logs (MODE "icount", or the vCPUs of a wall-clock VM), as a
markdown report on stdout and in --out.

    bench-report.py --kernel KVER --out FILE LOG...

Each figure is the median of its runs, shown with their spread: (maximum -
minimum) / median. In icount mode runs repeat to within a few instructions,
so a spread over 2 % is flagged, not averaged away: something in the run
was not deterministic. Ratios are of medians. docs/performance-analysis.md,
if present, is appended: what the figures mean (written by hand).
"""
import argparse
import datetime
import os
import re
import statistics
import sys

BENCH = re.compile(r"^# BENCH (\S+) (\S+) (\S+) (-?\d+)\s*$")
CONFIGS = ("none", "conntrack", "flowsess")
SPREAD_FLAG = 0.02
LOOKUP_SIZES = (1000, 100000, 1000000, 4000000)


def collect(paths):
    """The figures, by (mode, config, metric)."""
    runs = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = BENCH.match(line.strip())
                if m:
                    key = (m.group(1), m.group(2), m.group(3))
                    runs.setdefault(key, []).append(int(m.group(4)))
    return runs


class Figures:
    def __init__(self, runs, mode):
        self.runs, self.mode = runs, mode
        self.flagged = []

    def values(self, config, metric):
        return self.runs.get((self.mode, config, metric))

    def med(self, config, metric):
        v = self.values(config, metric)
        return statistics.median(v) if v else None

    def cell(self, config, metric, scale=1.0, fmt="{:,.0f}", invert=False):
        """The median, its number of runs and spread; flagged over 2 %.
        With invert, of 10^9 / each run (a rate from instructions)."""
        v = self.values(config, metric)
        if not v:
            return "-"
        if invert:
            v = [1e9 / x for x in v if x]
        med = statistics.median(v)
        text = fmt.format(med / scale)
        if len(v) > 1 and med:
            spread = (max(v) - min(v)) / abs(med)
            text += f" (×{len(v)}, ±{spread * 100:.1f} %)"
            if spread > SPREAD_FLAG:
                text = f"**{text}**"
                if f"{config} {metric}" not in self.flagged:
                    self.flagged.append(f"{config} {metric}")
        return text


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def over(x, base):
    return x - base if x is not None and base is not None else None


def num(x, fmt="{:,.0f}"):
    return "-" if x is None else fmt.format(x)


def icount_section(runs, kernel, out, targets):
    f = Figures(runs, "icount")
    a_med = lambda m: f.med("none", m)   # noqa: E731
    out.append("## Instructions: QEMU icount mode, 1 vCPU\n")
    out.append(f"Debian's kernel {kernel} under QEMU with `-icount shift=0,sleep=off`: "
               "the guest's clock advances one nanosecond per instruction it executes "
               "and jumps over idle time, so every figure below is a count of "
               "instructions, independent of the host's load. It models no cache: "
               "memory stalls are not in it (the wall-clock section is). Work is "
               "counted by `selftests/helpers/meter.c`: the clock minus a SCHED_IDLE "
               "loop's share (throughput), or minus the CPU's idle time and what an idle "
               "VM executes anyway (new sessions, which wait for their expiry). "
               "Figures are medians, with the number of runs and their spread; a "
               "spread over 2 % is in bold. *Hook* figures are a configuration's "
               "instructions minus those of (a), the same work without a hook.\n")

    out.append("### The tables as configured\n")
    out.append("flowsess's hash sizes itself by its number of entries; "
               "the row below is read when the table is set up, before any traffic (0: a namespace has no hash before its first session). conntrack's `hashsize` "
               "is set to 16 384 buckets through "
               "`/sys/module/nf_conntrack/parameters/hashsize` (ample for the "
               "forward and sessions parts), and both get the same limit: "
               "`nf_conntrack_max` is set to flowsess's `max-sessions`. The nftables forward "
               "chain's first rule is `ct state established,related accept`. Timeouts "
               "(seconds), as each table reported them:\n")
    out.append("| | (b) nf_conntrack | (c) flowsess |")
    out.append("|---|---|---|")
    for metric, label in (("hash_buckets", "hash buckets"),
                          ("timeout_udp", "UDP (raised: the lookup part's sessions must not expire)"),
                          ("timeout_syn_sent", "TCP, SYN sent (the SYN flood expires by it)"),
                          ("timeout_time_wait", "TCP, TIME_WAIT (connect/close churn expires by it)"),
                          ("timeout_tcp", "TCP, established")):
        out.append(f"| {label} | {num(f.med('conntrack', metric))} | "
                   f"{num(f.med('flowsess', metric))} |")
    out.append(f"| limit | {num(f.med('conntrack', 'limit'))} | {num(f.med('flowsess', 'limit'))} |")
    out.append(f"| lookup part: hash buckets | {num(f.med('conntrack', 'lookup_hash_buckets'))} "
               f"| {num(f.med('flowsess', 'lookup_hash_buckets'))} |")
    out.append(f"| lookup part: limit | {num(f.med('conntrack', 'lookup_limit'))} "
               f"| {num(f.med('flowsess', 'lookup_limit'))} |\n")
    out.append("conntrack (Debian's 6.1) refuses to add to a hash chain 50 to 79 entries "
               "long (chosen at random), and a connection is two entries, so at 16 384 "
               "buckets it stopped at 620 000 to 660 000 connections in a trial run "
               "on 2026-11-30 (not part of this report); "
               "for the lookup part its hash is sized as an admin would size it for "
               "millions. flowsess's hash grows by itself: the row shows its size with "
               "4 M sessions.\n")

    out.append("### Forwarding throughput\n")
    out.append("TCP: 256 MiB through the router over 1 or 8 connections (`tcpbulk`); "
               "Mbit/s per 10⁹ instructions of the whole VM (sender, router, receiver). "
               "UDP: 64-byte frames from the kernel's pktgen over 10 000 flows that "
               "exist already, 50 000 one way, then 50 000 the other, between two "
               "addresses that are no one's, so the ends drop them without an answer; "
               "every one forwarded; packets per 10⁹ instructions.\n")
    out.append("| measure | (a) no hook | (b) nf_conntrack | (c) flowsess | c / a | c / b |")
    out.append("|---|---|---|---|---|---|")
    for metric, label in (("tcp1_mbits", "TCP, 1 stream (Mbit/s)"),
                          ("tcp8_mbits", "TCP, 8 streams (Mbit/s)")):
        a, b, c = (f.med(cfg, metric) for cfg in CONFIGS)
        out.append(f"| {label} | {f.cell('none', metric)} | {f.cell('conntrack', metric)} | "
                   f"{f.cell('flowsess', metric)} | {ratio(c, a)} | {ratio(c, b)} |")
        targets.append((f"{label}: flowsess / no hook", ratio(c, a), ">= 0.95",
                        None if not (a and c) else c / a >= 0.95))
    a, b, c = (f.med(cfg, "udp_per_packet") for cfg in CONFIGS)
    rate = lambda x: 1e9 / x if x else None   # noqa: E731
    udp = [f.cell(cfg, "udp_per_packet", invert=True) for cfg in CONFIGS]
    out.append(f"| UDP, 64-byte frames, 10 000 flows (packets/s) | {udp[0]} | "
               f"{udp[1]} | {udp[2]} | {ratio(rate(c), rate(a))} | "
               f"{ratio(rate(c), rate(b))} |\n")
    out.append("These are of the whole VM: sender, router and receivers. pktgen's "
               "sending and the ends' dropping are the same in every configuration, "
               "so they pull c / a towards 1; the hook figures below leave them "
               "out.\n")
    targets.append(("UDP, 64-byte frames, 10 000 flows: flowsess / no hook",
                    ratio(rate(c), rate(a)), ">= 0.95",
                    None if not (a and c) else a / c >= 0.95))

    out.append("### Hook instructions per forwarded packet\n")
    out.append("A packet is what the router forwarded, counted on its two links; "
               "for TCP, with GSO, most are 16 KiB or more, and how many there were "
               "is in the last column. A TCP hook figure is the configuration's "
               "instructions minus (a)'s, over its own packets.\n")
    out.append("| traffic | (a) per packet | (b) per packet | (c) per packet "
               "| (b) hook | (c) hook | c / b, hooks | packets, a / b / c |")
    out.append("|---|---|---|---|---|---|---|---|")
    for metric, label in (("tcp1_per_packet", "TCP, 1 stream"),
                          ("tcp8_per_packet", "TCP, 8 streams"),
                          ("udp_per_packet", "UDP, 10 000 flows")):
        a, b, c = (f.med(cfg, metric) for cfg in CONFIGS)
        hb, hc = over(b, a), over(c, a)
        packets = "100,000 each (checked)"
        if metric.startswith("tcp"):
            # The same bytes in a few more or fewer packets: the hook's
            # instructions over (a)'s, per packet of its own run.
            ins = metric.replace("per_packet", "instructions")
            pkt = metric.replace("per_packet", "packets")
            ia, ib, ic = (f.med(cfg, ins) for cfg in CONFIGS)
            pb, pc = f.med("conntrack", pkt), f.med("flowsess", pkt)
            hb = (ib - ia) / pb if ia is not None and ib is not None and pb else None
            hc = (ic - ia) / pc if ia is not None and ic is not None and pc else None
            packets = " / ".join(num(f.med(cfg, pkt)) for cfg in CONFIGS)
        out.append(f"| {label} | {f.cell('none', metric)} | {f.cell('conntrack', metric)} | "
                   f"{f.cell('flowsess', metric)} | {num(hb)} | {num(hc)} | {ratio(hc, hb)} "
                   f"| {packets} |")
        if metric != "tcp8_per_packet":
            targets.append((f"hook instructions per packet, {label}: flowsess / conntrack",
                            ratio(hc, hb), "<= 0.5",
                            None if not (hb and hc is not None and hb > 0) else hc / hb <= 0.5))
    out.append("")

    conns = f.med("none", "churn_sessions") or f.med("flowsess", "churn_sessions")
    syns = f.med("none", "flood_sessions") or f.med("flowsess", "flood_sessions")
    out.append("### Per new session, creation and its later teardown\n")
    out.append(f"From the first packet until every session the load made was freed "
               f"(the table's count back at 0): {num(conns)} TCP connections opened and "
               f"closed by 4 clients (`connrate`; they end in TIME_WAIT), and a flood of "
               f"{num(syns)} SYNs from distinct source ports that nothing answers "
               f"(`rawtcp`; they end at the SYN-sent timeout). Instructions of the whole "
               f"VM per session; (a) has no table to wait for.\n")
    out.append("| load | (a) no hook | (b) nf_conntrack | (c) flowsess "
               "| (b) hook | (c) hook | c / b, hooks |")
    out.append("|---|---|---|---|---|---|---|")
    for metric, label, n in (("churn_instructions", "TCP connect/close", conns),
                             ("flood_instructions", "SYN flood", syns)):
        if not n:
            continue
        a, b, c = (f.med(cfg, metric) for cfg in CONFIGS)
        hb, hc = over(b, a), over(c, a)
        hb = hb / n if hb is not None else None
        hc = hc / n if hc is not None else None
        out.append(f"| {label} | {f.cell('none', metric, n)} | {f.cell('conntrack', metric, n)} | "
                   f"{f.cell('flowsess', metric, n)} | {num(hb)} | {num(hc)} | {ratio(hc, hb)} |")
        targets.append((f"hook instructions per new session, {label}: flowsess / conntrack",
                        ratio(hc, hb), "<= 0.67",
                        None if not (hb and hc is not None and hb > 0) else hc / hb <= 0.67))
    out.append("")

    out.append("### Lookup as the table grows\n")
    out.append("The table filled with idle UDP sessions (one pktgen datagram each) to "
               "the number shown, 1 000 of them the probe's flows; then the UDP probe "
               "above (20 000 datagrams each way) over those 1 000 flows. Hook instructions per packet are over "
               "(a)'s per-packet figure for the same probe (first row). flowsess's hash "
               "sized itself (the lookup part's buckets above), conntrack has the hash an "
               "admin would give it for millions; `max-sessions` and `nf_conntrack_max` "
               "raised to 4,300,000. *Entries walked* is what a lookup that hits walks "
               "in flowsess's hash, on average over all entries, read from the table "
               "(`/sys/kernel/debug/flowsess/chains`, in the bench build of the module "
               "only; its packet path is the same). New entries go to the head of "
               "their chain and the probe's flows are the table's oldest, so the probe "
               "walks whole chains: about twice that average, the case of long-lived "
               "flows.\n")
    out.append("| sessions | (b) per packet | (b) hook | (c) per packet | (c) hook "
               "| c / b, hooks | (c) entries walked |")
    out.append("|---|---|---|---|---|---|---|")
    a = a_med("lookup_base_per_packet")
    out.append(f"| 1,000, (a) no hook: {f.cell('none', 'lookup_base_per_packet')} per packet "
               f"| | | | | | |")
    hooks = {}
    for n in LOOKUP_SIZES:
        metric = f"lookup_per_packet_{n}"
        b, c = f.med("conntrack", metric), f.med("flowsess", metric)
        hb, hc = over(b, a), over(c, a)
        hooks[n] = (hb, hc)
        walk = f.med("flowsess", f"walk_x100_{n}")
        out.append(f"| {n:,} | {f.cell('conntrack', metric)} | {num(hb)} | "
                   f"{f.cell('flowsess', metric)} | {num(hc)} | {ratio(hc, hb)} | "
                   f"{num(walk / 100 if walk is not None else None, '{:,.2f}')} |")
    out.append("")
    l1k, l4m = hooks[1000][1], hooks[4000000][1]
    targets.append(("flowsess's hook instructions per packet, 4 M sessions / 1 k",
                    ratio(l4m, l1k), "<= 1.2",
                    None if not (l1k and l4m) else l4m / l1k <= 1.2))

    out.append("### Memory\n")
    out.append("Per session: the slab object plus its share of the hash at 1 M sessions. "
               "The total for 1 M sessions is what `Slab:` in /proc/meminfo grew by "
               "while the table went from empty to 1 M sessions (objects, conntrack's "
               "extensions, slab overhead), plus the hash.\n")
    out.append("| | slab object | hash | bytes per session | total for 1 M sessions |")
    out.append("|---|---|---|---|---|")
    for cfg in ("conntrack", "flowsess"):
        obj, hsh = f.med(cfg, "object_bytes"), f.med(cfg, "hash_bytes")
        slab = f.med(cfg, "slab_bytes_1m")
        per = obj + hsh / 1e6 if obj is not None and hsh is not None else None
        total = slab + hsh if slab is not None and hsh is not None else None
        out.append(f"| ({'b' if cfg == 'conntrack' else 'c'}) {cfg} | {num(obj)} B | "
                   f"{num(hsh)} B | {num(per, '{:,.1f}')} B | "
                   f"{num(total / 2**20 if total is not None else None, '{:,.1f}')} MiB |")
    out.append("")
    # The goal is the session's own size (the slab object); the hash's
    # share is shown beside it.
    obj = f.med("flowsess", "object_bytes")
    targets.append(("slab object per session, flowsess (bytes)", num(obj), "<= 128",
                    None if obj is None else obj <= 128))

    out.append("### Wake-ups\n")
    out.append("10 s of a quiet VM with the table at 1 M idle sessions (UDP timeout "
               "3 600 s, so none expires in the window): how often a timer, hrtimer or "
               "work item of the hook's module ran (tracepoints `hrtimer_expire_entry`, "
               "`timer_expire_entry`, `workqueue_execute_start`), and how often the "
               "CPU's timer interrupt fired (LOC). A table that keeps a timer per "
               "session does not wake for idle sessions but once per session when it "
               "expires: the last column counts the same tracepoints while the SYN "
               "flood's sessions expired and were freed, per session.\n")
    out.append("| | module's timers and work, per second, 1 M idle sessions "
               "| CPU timer interrupts, per second | module's timers and work per "
               "expired session, SYN flood |")
    out.append("|---|---|---|---|")
    for cfg in ("conntrack", "flowsess"):
        per = f.values(cfg, "flood_module_wakeups")
        per = (f"{statistics.median(per) / syns:.3f}" if per and syns else "-")
        out.append(f"| {cfg} | {f.cell(cfg, 'module_wakeups_x100', 100, '{:,.1f}')} | "
                   f"{f.cell(cfg, 'cpu_wakeups_x100', 100, '{:,.1f}')} | {per} |")
    out.append("")
    w = f.med("flowsess", "module_wakeups_x100")
    w = w / 100 if w is not None else None
    targets.append(("flowsess's wake-ups per second, 1 M idle sessions", num(w, "{:,.1f}"), "<= 100",
                    None if w is None else w <= 100))
    return f.flagged


def wallclock_section(runs, kernel, out):
    f = Figures(runs, "2")
    out.append("## Wall clock: QEMU TCG, 2 vCPUs\n")
    out.append(f"The same topology, Debian's kernel {kernel}, QEMU without icount: "
               "real time, with memory stalls and two vCPUs, and with the spread of "
               "emulation on a shared host (the ratios below move with it; read them "
               "as a check on the instruction counts, not as results).\n")
    out.append("| measure | (a) no hook | (b) nf_conntrack | (c) flowsess | c / a | c / b |")
    out.append("|---|---|---|---|---|---|")
    for metric, label in (("tcp1", "TCP, 1 stream (Mbit/s)"),
                          ("tcp8", "TCP, 8 streams (Mbit/s)"),
                          ("conns", "new TCP connections per second"),
                          ("conn_failures", "... connections that failed")):
        a, b, c = (f.med(cfg, metric) for cfg in CONFIGS)
        out.append(f"| {label} | {f.cell('none', metric)} | {f.cell('conntrack', metric)} | "
                   f"{f.cell('flowsess', metric)} | {ratio(c, a)} | {ratio(c, b)} |")
    out.append("")


def report(runs, kernel):
    out = ["# flowsess performance\n"]
    date = datetime.date.today().isoformat()
    out.append(f"Measured by `make bench` on {date}, on the selftests' client / router / "
               "server topology (veth between network namespaces, all in one VM). The "
               "router runs (a) no hook, (b) nf_conntrack with an nftables forward chain "
               "(`ct state established,related accept` first, then new TCP SYN, UDP and "
               "ICMP accepted) or (c) flowsess as it ships, in turn. Under emulation "
               "absolute figures are far from real hardware; the ratios are the point.\n")
    targets = []
    flagged = icount_section(runs, kernel, out, targets)
    if flagged:
        out.append("**Spread over 2 %** (not deterministic; see the bold figures): "
                   + ", ".join(flagged) + ".\n")
    out.append("### Targets\n")
    out.append("From the instruction counts. A miss is reported as a miss.\n")
    out.append("| target | measured | goal | met |")
    out.append("|---|---|---|---|")
    for name, value, goal, met in targets:
        mark = "-" if met is None else ("yes" if met else "**no**")
        out.append(f"| {name} | {value} | {goal} | {mark} |")
    out.append("")
    if any(k[0] == "2" for k in runs):
        wallclock_section(runs, kernel, out)
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()

    runs = collect(args.logs)
    if not runs:
        sys.exit("bench-report: no BENCH lines in the logs")
    text = report(runs, args.kernel)
    analysis = os.path.join(os.path.dirname(args.out), "performance-analysis.md")
    if os.path.exists(analysis):
        with open(analysis) as f:
            text += "\n" + f.read()
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
