#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the VM: the same client / router / server topology
# under three configurations of the router, each measured REPS times, in
# turn (none, conntrack, flowsess, none, ...), so that a drift of the
# machine's speed during the run falls on all three alike:
#   none       no hook: neither flowsess nor conntrack loaded
#   conntrack  nf_conntrack with an nftables forward chain that accepts
#              ct state established,related, and new TCP SYN, UDP and ICMP
#   flowsess   the module with its default settings
# Prints "# BENCH CPUS CONFIG METRIC VALUE" lines for the host to sum up,
# and a TAP line per configuration: every measurement produced a number.
# With TABLE=1, also the session table on its own (bench.c) at 1 k, 100 k
# and 1 M sessions, and the bytes per session of both tables; with
# PROFILE=1, a perf profile of each configuration (profile_udp).
cd /selftests || exit 1
. ./lib.sh

REPS=${REPS:-5}
SECONDS_EACH=${SECONDS_EACH:-5}
CONNS=${CONNS:-20000}
CPUS=$(grep -c ^processor /proc/cpuinfo)
UDP_DST=10.0.2.3	# nobody's address on the server's link: nothing answers

report() { echo "# BENCH $CPUS $config $1 $2"; }

# iperf3 STREAMS: the receiver's rate, in Mbit/s. Sender and receiver are
# pinned to a vCPU each (the same one with 1 vCPU), so that every run
# places them alike; it did not narrow the spread under TCG (see
# docs/performance-analysis.md), but it takes one variable away.
if [ "$CPUS" -gt 1 ]; then IPERF_CPUS=0,1; else IPERF_CPUS=0,0; fi
tcp_rate() {
	in_ns client iperf3 -c "$SERVER4" -A $IPERF_CPUS -t "$SECONDS_EACH" -P "$1" -J 2>/dev/null |
		awk '/"sum_received"/ { on = 1 } on && /"bits_per_second"/ {
			gsub(/[^0-9.e+]/, "", $2); printf "%.0f\n", $2 / 1e6; exit }'
}

# udp_rate: 64-byte datagrams over 10 000 flows; what reached the server's
# link per second.
udp_rate() {
	local before after
	before=$(in_ns server cat /sys/class/net/s0/statistics/rx_packets)
	in_ns client udprate $UDP_DST 20000 10000 "$SECONDS_EACH" 64 >/dev/null
	after=$(in_ns server cat /sys/class/net/s0/statistics/rx_packets)
	echo $(( (after - before) / SECONDS_EACH ))
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
		# Room for every connection of the runs in TIME_WAIT (120 s).
		modload nft_ct &&
		echo 262144 >/proc/sys/net/netfilter/nf_conntrack_max &&
		in_ns router nft -f - <<-EOF
			table inet filter {
				chain forward {
					type filter hook forward priority 0; policy drop;
					ct state established,related accept
					ct state new tcp flags & (syn | ack | fin | rst) == syn accept
					# udp, icmp, ipv6-icmp: no /etc/protocols in the VM
					ct state new meta l4proto { 17, 1, 58 } accept
				}
			}
		EOF
		;;
	flowsess)
		flowsess_load ;;
	esac
}

# Back to (a): conntrack's modules go too, so that none is loaded.
teardown() {
	topology_down
	flowsess_unload
	sleep 1	# namespaces die in a workqueue
	if [ "$config" = conntrack ]; then
		for m in nft_ct nf_conntrack nf_defrag_ipv6 nf_defrag_ipv4; do
			rmmod $m
		done
	fi
}

# One run of each measurement; counts those without a number in $missing.
measure() {
	local m v
	for m in tcp1 tcp8 udp64 conns; do
		case $m in
		tcp1) v=$(tcp_rate 1) ;;
		tcp8) v=$(tcp_rate 8) ;;
		udp64) v=$(udp_rate) ;;
		conns) v=$(conn_rate) ;;
		esac
		case "$v" in
		''|*[!0-9]*) echo "# $config $m: no number"; missing=$((missing + 1)) ;;
		*) report "$m" "$v" ;;
		esac
	done
}

# The table on its own: N sessions in N buckets (nf_conntrack's default
# sizing: a bucket per connection).
table_bench() {
	local n out
	# A first run, not reported, warms the slab and the guest memory QEMU
	# maps on first touch: without it the 1 k inserts cost 5 times more.
	echo "1000 1000" >/sys/kernel/debug/flowsess/table_bench || return 1
	for n in 1000 100000 1000000; do
		echo "$n $n" >/sys/kernel/debug/flowsess/table_bench || return 1
		out=$(cat /sys/kernel/debug/flowsess/table_bench)
		echo "# $out"
		report "table_insert_ns_$n" "$(echo "$out" | sed -n 's/.*insert_ns=\([0-9]*\).*/\1/p')"
		report "table_lookup_ns_$n" "$(echo "$out" | sed -n 's/.*lookup_hit_ns=\([0-9]*\).*/\1/p')"
		report "table_miss_ns_$n" "$(echo "$out" | sed -n 's/.*lookup_miss_ns=\([0-9]*\).*/\1/p')"
		report "table_walk_x100_$n" "$(echo "$out" | sed -n 's/.*chain_walk_x100=\([0-9]*\).*/\1/p')"
		report "table_memory_ns_$n" "$(echo "$out" | sed -n 's/.*memory_ns=\([0-9]*\).*/\1/p')"
		# Every lookup of an inserted session found it, none of the others.
		echo "$out" | grep -q "hits=1048576 false_hits=0" || return 1
	done
}

# With PROFILE=1: where the CPU goes during one more UDP test, by perf
# (cpu-clock: emulation has no PMU) with call chains, on every CPU for
# WINDOW seconds. Every netfilter hook runs under nf_hook_slow(): its
# share of the samples, with what it calls, is the cost of the
# configuration's hooks, in CPU time per forwarded packet:
#   share * CPUS * WINDOW / (packets per second * SECONDS_EACH)
profile_udp() {
	local pid pps hook window=$((SECONDS_EACH + 1))
	perf record -q -a -g -F 499 -o /tmp/perf.data -- sleep $window >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	pps=$(udp_rate)
	wait $pid || return 1
	hook=$(perf report -i /tmp/perf.data --stdio --children --sort sym -q -g none \
		2>/dev/null | awk '$NF == "nf_hook_slow" { sub("%", "", $1); print $1 }')
	report hook_share_x100 "$(echo "${hook:-0}" | awk '{ printf "%d\n", $1 * 100 }')"
	report hook_ns_per_packet "$(echo "${hook:-0} $pps" | awk -v c="$CPUS" -v w=$window \
		-v t="$SECONDS_EACH" '{ printf "%d\n", $1 / 100 * c * w * 1e9 / ($2 * t) }')"
	# Where the hooks' time goes: the function each sample under
	# nf_hook_slow() was in, by share of those samples.
	perf script -i /tmp/perf.data -F ip,sym 2>/dev/null | awk -v c="$config" '
		function flush() { if (hook && leaf != "") { n[leaf]++; total++ } leaf = ""; hook = 0 }
		NF == 0 { flush(); next }
		{ if (leaf == "") leaf = $2; if ($2 == "nf_hook_slow") hook = 1 }
		END { flush(); for (f in n) if (n[f] * 100 >= total * 2)
			printf "# PROFILE %s %5.1f%%  %s\n", c, n[f] * 100 / total, f }' |
		sort -k4 -rn | head -n 15
}

# slab_objsize CACHE: the size of one object of a slab cache (slab_nomerge).
slab_objsize() { awk -v c="$1" '$1 == c { print $4 }' /proc/slabinfo; }

configs="none conntrack flowsess"
n=3
[ "${TABLE:-0}" = 1 ] && n=$((n + 2))
[ "${PROFILE:-0}" = 1 ] && n=$((n + 3))
plan $n
missing_none=0 missing_conntrack=0 missing_flowsess=0
for rep in $(seq "$REPS"); do
	for config in $configs; do
		topology_up || exit 1
		ip -n router neigh add $UDP_DST lladdr "$(in_ns server cat /sys/class/net/s0/address)" dev r1
		in_ns server iperf3 -s -D >/dev/null 2>&1
		in_ns server connrate server "$SERVER4" 8000 &
		conn_pid=$!
		wait_for 5 listening server t 5201
		in_ns client sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
		eval "missing=\$missing_$config"
		if setup; then measure; else missing=$((missing + 4)); fi
		eval "missing_$config=\$missing"
		if [ "${PROFILE:-0}" = 1 ] && [ "$rep" = 1 ]; then
			check "$config: a profile of the UDP test" profile_udp
		fi
		if [ "$config" = conntrack ]; then
			conntrack_objsize=$(slab_objsize nf_conntrack)
		fi
		kill $conn_pid 2>/dev/null
		pkill iperf3 2>/dev/null
		teardown
	done
done
for config in $configs; do
	eval "missing=\$missing_$config"
	check_num "$config: every measurement of the $REPS runs" "$missing" -eq 0
done
if [ "${TABLE:-0}" = 1 ]; then
	config=flowsess
	flowsess_load
	check "the table on its own" table_bench
	report bytes_per_session "$(slab_objsize flowsess_session)"
	config=conntrack
	report bytes_per_session "$conntrack_objsize"
	check "bytes per session read from the slabs" \
		[ -n "$(slab_objsize flowsess_session)" -a -n "$conntrack_objsize" ]
	flowsess_unload
fi
tap_done
