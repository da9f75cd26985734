#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Packet-path fuzzing: a million random and mutated IPv4 and IPv6 packets
# (helper pktfuzz: truncated headers, lying lengths, extension-header
# chains, odd TCP options and flags, fragments, ICMP errors quoting random
# headers) sent raw from the client through the router. The VM log stays
# free of reports; every packet the hooks saw was either forwarded or
# dropped with a reason (the counters add up to the stack's own); and the
# router still forwards afterwards. On the debug kernel make check sends
# 50 000 (a million take 18 minutes there, too long for CI): `make fuzz`
# sends the million through it.
. ./lib.sh

COUNT=${FLOWSESS_FUZZ_PACKETS:-$(stress 1000000 50000)}
plan 10
check "the module loads" flowsess_load
check "the topology comes up" topology_up
in_ns router flowsess set udp-timeout 10s icmp-timeout 10s

counter() { flowsess_stat router "$1"; }
# seen: packets the hooks saw. passed: what the stack forwarded, which 6.1
# counts after the FORWARD hooks accepted (6.7 and later count before
# them: this test runs on 6.1 kernels only, TESTS). dropped: flowsess'
# drops, by reason.
seen() { echo $(( $(counter packets_ipv4) + $(counter packets_ipv6) )); }
passed() {
	in_ns router awk '$1 == "Ip:" && !h { for (i = 2; i <= NF; i++) f[$i] = i; h = 1; next }
		$1 == "Ip:" { print $f["ForwDatagrams"] }' /proc/net/snmp |
		{ read -r v4; echo $(( v4 + $(in_ns router awk '$1 == "Ip6OutForwDatagrams" { print $2 }' /proc/net/snmp6) )); }
}
dropped() { in_ns router flowsess stats | awk '$1 ~ /^drop_/ { n += $2 } END { print n + 0 }'; }
# The counters hold still: nothing is on its way through the router. One
# IPv6 packet in twenty goes to a random address on the server's /64, and
# the router solicits each: its neighbour table (1024 entries, shared by all
# namespaces) fills with INCOMPLETE entries that cannot be collected while
# they probe, and a ping would then find no room to resolve the server.
# That is the kernel's neighbour cache under a scan, not flowsess: settled
# means those probes have ended too.
probing() { ip -6 -n router neigh show nud incomplete | grep -c . ; }
still() {
	local a
	a=$(seen)
	sleep 1
	[ "$(seen)" = "$a" ] && [ "$(probing)" -eq 0 ]
}

seen0=$(seen) passed0=$(passed) dropped0=$(dropped)
mac=$(ip -n router -o link show r0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
out=$(in_ns client pktfuzz c0 "$mac" "$CLIENT4" "$SERVER4" "$CLIENT6" "$SERVER6" $COUNT 1)
echo "# $out"
check "$COUNT fuzzed packets sent" [ "$out" = "sent=$COUNT" ]
check "the router's traffic settles" wait_for 60 still
echo "# router: $(ip -6 -n router neigh show | grep -c .) IPv6 neighbours;" \
	"$(ip -s -n router ntable show name ndisc_cache | grep -o 'table_fulls [0-9]*')"
seen=$(( $(seen) - seen0 )) passed=$(( $(passed) - passed0 )) dropped=$(( $(dropped) - dropped0 ))
echo "# the hooks saw $seen: $passed forwarded, $dropped dropped"
in_ns router flowsess stats | awk '$2 != 0 { print "#   " $0 }'
check_num "the hooks saw a good share of them" "$seen" -ge $((COUNT / 4))
check_num "each was forwarded or dropped with a reason" "$seen" -eq $((passed + dropped))

check "IPv4 ping through the router still works" in_ns client ping -q -c 2 -i 0.2 -W 2 "$SERVER4"
check "... IPv6 too" in_ns client ping -6 -q -c 2 -i 0.2 -W 2 "$SERVER6"
in_ns server tcpbulk server "$SERVER4" 7003 &
pid=$!
wait_for 5 listening server t 7003
check "... and TCP" in_ns client tcpbulk client "$SERVER4" 7003 100000
kill $pid 2>/dev/null
wait 2>/dev/null

topology_down
check "rmmod" flowsess_unload
tap_done
