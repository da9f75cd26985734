#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# IPv4 BIG TCP (kernels 6.3 and later): a GSO packet above 64 KiB carries
# tot_len 0 in its IPv4 header, and its length is the skb's. A bulk
# transfer whose sender makes such packets crosses the router whole: no
# segment dropped, every byte accounted. Runs on the newer kernel only:
# 6.1 has no BIG TCP for IPv4.
. ./lib.sh

plan 10
check "the module loads" flowsess_load
check "the topology comes up" topology_up
stat() { flowsess_stat router "$1"; }
check "the client's link sends GSO packets up to 256 KiB" in_ns client biggso c0 262144
# Count what reaches the router with tot_len 0 (tc's u32, at the IPv4
# header's bytes 2-3), so that the transfer below is known to carry some.
modload sch_ingress && modload cls_u32 && modload act_gact
in_ns router /opt/iproute2/tc qdisc add dev r0 clsact
check "a tc filter counts tot_len 0 on the router's ingress" \
	in_ns router /opt/iproute2/tc filter add dev r0 ingress protocol ip pref 1 \
	u32 match u16 0 0xffff at 2 action pass
check "accounting on, the transfer's session long-lived after its FINs" \
	in_ns router flowsess set accounting on time-wait-state session-timeout 600
in_ns server tcpbulk server "$SERVER4" 5001 &
server_pid=$!
wait_for 5 listening server t 5001
bytes=$((64 * 1024 * 1024))
out=$(in_ns client tcpbulk client "$SERVER4" 5001 $bytes)
check "64 MiB cross the router, all acknowledged: $out" [ $? -eq 0 ]
big=$(in_ns router /opt/iproute2/tc -s filter show dev r0 ingress |
	sed -n 's/.*Sent [0-9]* bytes \([0-9]*\) pkt.*/\1/p' | head -n 1)
check_num "... in packets of which some said tot_len 0" "${big:-0}" -gt 0
check_num "... none dropped" "$(($(stat drop_tcp_window) + $(stat drop_tcp_state) +
	$(stat drop_bad_header) + $(stat drop_no_session)))" -eq 0
orig=$(in_ns router flowsess -j sessions proto tcp dport 5001 |
	grep -o '"bytes_orig":[0-9]*' | head -n 1 | cut -d: -f2)
check_num "... and every byte counted, headers too" "${orig:-0}" -gt $bytes
kill $server_pid 2>/dev/null
topology_down
check "rmmod" flowsess_unload
tap_done
