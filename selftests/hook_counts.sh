#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The hooks run per namespace on FORWARD: traffic the router forwards raises
# its counters; the client's own traffic does not count in the client.
. ./lib.sh

plan 8
check "the module loads" flowsess_load
check "the topology comes up" topology_up

before4=$(flowsess_stat router packets_ipv4)
check "IPv4 ping through the router" in_ns client ping -q -A -c 20 -W 2 "$SERVER4"
after4=$(flowsess_stat router packets_ipv4)
check_num "router counted the 40 forwarded IPv4 packets" \
	"$((after4 - before4))" -ge 40

before6=$(flowsess_stat router packets_ipv6)
check "IPv6 ping through the router" in_ns client ping -6 -q -A -c 20 -W 2 "$SERVER6"
after6=$(flowsess_stat router packets_ipv6)
check_num "router counted the 40 forwarded IPv6 packets" \
	"$((after6 - before6))" -ge 40

check_num "the client forwards nothing, so counts nothing" \
	"$(flowsess_stat client packets_ipv4)" -eq 0

check "rmmod with namespaces alive" flowsess_unload
topology_down
tap_done
