#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of bench-report.py on made-up logs: medians, the 2 % spread
flag, hook figures over (a), and a missed target reported as a miss. TAP on
stdout."""
import importlib.util
import os
import sys
import tempfile

# Loading the script must not leave bytecode in the source tree.
sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_report",
                                              os.path.join(here, "bench-report.py"))
br = importlib.util.module_from_spec(spec)
spec.loader.exec_module(br)

LOG = """\
# BENCH icount none udp_per_packet 10000
# BENCH icount none udp_per_packet 10001
# BENCH icount none udp_per_packet 10002
# BENCH icount conntrack udp_per_packet 12000
# BENCH icount conntrack udp_per_packet 12000
# BENCH icount conntrack udp_per_packet 12000
# BENCH icount flowsess udp_per_packet 11000
# BENCH icount flowsess udp_per_packet 11500
# BENCH icount flowsess udp_per_packet 11000
# BENCH icount none tcp1_mbits 2000
# BENCH icount flowsess tcp1_mbits 1800
# BENCH icount flowsess object_bytes 256
# BENCH icount flowsess hash_bytes 262144
# BENCH icount flowsess slab_bytes_1m 1048576
# BENCH icount none churn_sessions 1000
# BENCH icount none churn_instructions 100000000
# BENCH icount conntrack churn_instructions 110000000
# BENCH icount flowsess churn_instructions 104000000
# BENCH icount none lookup_base_per_packet 10000
# BENCH icount flowsess lookup_per_packet_1000 10500
# BENCH icount flowsess lookup_per_packet_4000000 10700
# BENCH icount conntrack lookup_per_packet_1000 1000
# BENCH icount conntrack lookup_per_packet_1000 1019
# BENCH icount conntrack lookup_per_packet_1000 1000
# BENCH icount conntrack lookup_per_packet_4000000 1000
# BENCH icount conntrack lookup_per_packet_4000000 1021
# BENCH icount conntrack lookup_per_packet_4000000 1000
# BENCH 2 none tcp1 1000
"""

n = failed = 0


def check(name, ok):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {name}")


with tempfile.TemporaryDirectory() as d:
    log = os.path.join(d, "bench.log")
    with open(log, "w") as f:
        f.write(LOG)
    runs = br.collect([log])
    check("the lines are collected by mode, configuration and metric",
          runs[("icount", "none", "udp_per_packet")] == [10000, 10001, 10002]
          and runs[("2", "none", "tcp1")] == [1000])
    text = br.report(runs, "6.1.0-test")
    lines = text.splitlines()
    udp = next(line for line in lines if line.startswith("| UDP, 10 000 flows"))
    check("a spread of 0.02 % is not flagged", "| 10,001 (×3, ±0.0 %) |" in udp)
    check("a spread of 4.5 % is flagged in bold", "**11,000 (×3, ±4.5 %)**" in udp)
    check("the flagged figure is listed under the tables",
          any("Spread over 2 %" in line and "flowsess udp_per_packet" in line
              for line in lines))
    check("the hooks' costs are over (a)'s median: 1,999 and 999, ratio 0.50",
          "| 1,999 | 999 | 0.50 |" in udp)
    check("a missed target is reported as a miss",
          "| TCP, 1 stream (Mbit/s): flowsess / no hook | 0.90 | >= 0.95 | **no** |" in lines)
    check("a target met is reported as met",
          any(line.startswith("| hook instructions per packet, UDP, 10 000 flows")
              and line.endswith("| yes |") for line in lines))
    check("bytes per session: the object plus its share of the hash at 1 M",
          "| 256 B | 262,144 B | 256.3 B |" in text)
    check("the memory goal judges the slab object",
          "| slab object per session, flowsess (bytes) | 256 | <= 128 | **no** |" in lines)
    check("UDP throughput: 10^9 / instructions per packet, c / a 0.91 a miss",
          "| UDP, 64-byte frames, 10 000 flows: flowsess / no hook | 0.91 | >= 0.95 | **no** |"
          in lines)
    check("per new session: instructions / sessions, hooks over (a), c / b 0.40",
          any(line.startswith("| TCP connect/close | 100,000 | 110,000 | 104,000 "
                              "| 10,000 | 4,000 | 0.40 |") for line in lines))
    check("lookup: hooks over (a)'s probe, 4 M / 1 k 1.40 a miss",
          "| flowsess's hook instructions per packet, 4 M sessions / 1 k | 1.40 | <= 1.2 | **no** |"
          in lines)
    check("a spread of 1.9 % is not flagged, 2.1 % is",
          "| 1,000 (×3, ±1.9 %) |" in text and "**1,000 (×3, ±2.1 %)**" in text)
    check("memory for 1 M sessions: slab growth plus the hash",
          any(line.startswith("| (c) flowsess | 256 B | 262,144 B | 256.3 B | 1.2 MiB |")
              for line in lines))
    check("a figure the logs lack is shown as missing, its target unjudged",
          "| slab object per session, flowsess (bytes) | 256 | <= 128 | **no** |" in lines
          and "| flowsess's wake-ups per second, 1 M idle sessions | - | <= 100 | - |" in lines)
    check("the wall-clock section is there when a wall-clock log is",
          "## Wall clock: QEMU TCG, 2 vCPUs" in text)
print(f"1..{n}")
sys.exit(1 if failed else 0)
