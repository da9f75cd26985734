#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench's wall-clock part, inside the VM (QEMU TCG, 2 vCPUs, no
# icount): real time, memory stalls included, on the selftests' client /
# router / server topology under the three configurations of icount.sh,
# each measured REPS times, in turn (none, conntrack, flowsess, none, ...),
# so that a drift of the host's speed falls on all three alike. Under
# emulation these figures spread by 30-50 %: they check the instruction
# counts, they do not replace them.
# Prints "# BENCH CPUS CONFIG METRIC VALUE" lines and a TAP line per
# configuration: every measurement produced a number.
cd /selftests || exit 1
. ./lib.sh

REPS=${REPS:-3}
SECONDS_EACH=${SECONDS_EACH:-5}
CONNS=${CONNS:-5000}
CPUS=$(grep -c ^processor /proc/cpuinfo)

report() { echo "# BENCH $CPUS $config $1 $2"; }

# iperf3 STREAMS: the receiver's rate, in Mbit/s. Sender and receiver are
# pinned to a vCPU each (the same one with 1 vCPU), so that every run
# places them alike; it did not narrow the spread under TCG, but it takes
# one variable away.
if [ "$CPUS" -gt 1 ]; then IPERF_CPUS=0,1; else IPERF_CPUS=0,0; fi
tcp_rate() {
	in_ns client iperf3 -c "$SERVER4" -A $IPERF_CPUS -t "$SECONDS_EACH" -P "$1" -J 2>/dev/null |
		awk '/"sum_received"/ { on = 1 } on && /"bits_per_second"/ {
			gsub(/[^0-9.e+]/, "", $2); printf "%.0f\n", $2 / 1e6; exit }'
}

# conn_rate: connections per second, 4 workers; reports the connections
# that failed too. The client's ports are not reused within a run: with
# reuse, the server's TIME_WAIT answers some SYNs with a RST, the client's
# retry follows within the RST grace delay, and flowsess's default (the
# SRX's) kills the retried connection: the SCENARIO, not setup cost.
conn_rate() {
	local out
	out=$(in_ns client connrate client "$SERVER4" 8000 "$CONNS" 4) || return 1
	report conn_failures "$(echo "$out" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')" >&2
	echo "$out" | awk -F'[= ]' '{ printf "%.0f\n", $2 * 1000 / $4 }'
}

setup() {
	case $config in
	none)
		! grep -qE '^(nf_conntrack|flowsess) ' /proc/modules ;;
	conntrack)
		# Room for every connection of the runs in TIME_WAIT (120 s);
		# flowsess's hash size and limit, as in icount.sh.
		modload nft_ct &&
		echo 16384 >/sys/module/nf_conntrack/parameters/hashsize &&
		echo 262144 >/proc/sys/net/netfilter/nf_conntrack_max &&
		in_ns router nft -f ./bench/conntrack.nft
		;;
	flowsess)
		flowsess_load ;;
	esac
}

# Back to (a): conntrack's modules go too, so that none is loaded. They
# are in use until the router's namespace, which dies in a workqueue, is
# gone.
unloaded() { ! grep -q "^$1 " /proc/modules || rmmod "$1" 2>/dev/null; }
teardown() {
	topology_down
	flowsess_unload
	if [ "$config" = conntrack ]; then
		for m in nft_ct nf_conntrack nf_defrag_ipv6 nf_defrag_ipv4; do
			wait_for 30 unloaded $m || echo "# $m stayed loaded"
		done
	fi
}

# One run of each measurement; counts those without a number in $missing.
measure() {
	local m v
	for m in tcp1 tcp8 conns; do
		case $m in
		tcp1) v=$(tcp_rate 1) ;;
		tcp8) v=$(tcp_rate 8) ;;
		conns) v=$(conn_rate) ;;
		esac
		case "$v" in
		''|*[!0-9]*) echo "# $config $m: no number"; missing=$((missing + 1)) ;;
		*) report "$m" "$v" ;;
		esac
	done
}

configs="none conntrack flowsess"
plan 3
missing_none=0 missing_conntrack=0 missing_flowsess=0
for rep in $(seq "$REPS"); do
	for config in $configs; do
		topology_up || exit 1
		in_ns server iperf3 -s -D >/dev/null 2>&1
		in_ns server connrate server "$SERVER4" 8000 &
		wait_for 5 listening server t 5201
		in_ns client sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
		eval "missing=\$missing_$config"
		if setup; then measure; else missing=$((missing + 3)); fi
		eval "missing_$config=\$missing"
		for ns in client server; do
			ip netns pids $ns | xargs -r kill 2>/dev/null
		done
		teardown
	done
done
for config in $configs; do
	eval "missing=\$missing_$config"
	check_num "$config: every measurement of the $REPS runs" "$missing" -eq 0
done
tap_done
