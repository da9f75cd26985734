#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ICMP errors as a firewall treats them: an error passes only when the
# packet it quotes belongs to a live session and it goes back to that
# packet's sender (icmp_related); others are dropped (drop_icmp_unrelated).
# Real errors: port unreachable for UDP, and Path MTU discovery for TCP
# through a smaller link beyond the router, in IPv4 and IPv6.
#
#   client ---- router ---- server ==== far
#                                 MTU 1280 on the server's side of ====
. ./lib.sh

FAR4=10.0.3.2 FAR6=fd00:3::2
plan 16
check "the module loads" flowsess_load
check "the topology comes up" topology_up

stat() { flowsess_stat router "$1"; }

# The far end: the server forwards to it, over a link that takes 1280-byte
# packets from the server's side only, so that the server, not the router,
# answers a client's full-size segment with "fragmentation needed" /
# "packet too big". far's own MTU stays 1500: it offers the full MSS.
far_up() {
	ip netns add far &&
	ip link add f0 netns far type veth peer name s1 netns server &&
	in_ns far sysctl -qw net.ipv6.conf.all.accept_dad=0 &&
	host_link far f0 $FAR4 $FAR6 10.0.3.1 fd00:3::1 &&
	ip -n server -batch - <<-EOF &&
		addr add 10.0.3.1/24 dev s1
		addr add fd00:3::1/64 dev s1 nodad
		link set s1 mtu 1280
		link set s1 up
	EOF
	in_ns server sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
	ip -n router route add 10.0.3.0/24 via 10.0.2.2 &&
	ip -n router route add fd00:3::/64 via fd00:2::2
}
check "the far end comes up behind the server" far_up

# Port unreachable: the client's datagram to a closed port opens a session;
# the server's error quotes it and must reach the client.
related=$(stat icmp_related)
check "IPv4: UDP to a closed port is refused (port unreachable passed)" \
	in_ns client icmperr refused "$SERVER4" 9999
check "IPv6: the same" in_ns client icmperr refused "$SERVER6" 9999
check_num "... both counted as related" "$(( $(stat icmp_related) - related ))" -ge 2
check_num "... and no error was dropped" "$(stat drop_icmp_unrelated)" -eq 0

# Path MTU discovery: 1 MB from the client to far, whose segments are too
# big for the server's link; the transfer completes only if the server's
# errors reach the client.
in_ns far tcpbulk server "$FAR4" 7001 &
pid4=$!
in_ns far tcpbulk server "$FAR6" 7001 &
pid6=$!
wait_for 5 listening far t 7001 2
related=$(stat icmp_related)
check "IPv4: TCP through the smaller link completes (fragmentation needed passed)" \
	in_ns client tcpbulk client "$FAR4" 7001 1000000
check "IPv6: the same (packet too big passed)" \
	in_ns client tcpbulk client "$FAR6" 7001 1000000
check_num "... the errors counted as related" "$(( $(stat icmp_related) - related ))" -ge 2
pmtu() { ip -n client -o route get "$1" | grep -q "mtu 1280"; }
check "... and the client learnt the path MTU, IPv4" pmtu "$FAR4"
check "... and IPv6" pmtu "$FAR6"
kill $pid4 $pid6 2>/dev/null

# Hand-made errors from the server to the client. One that quotes a live
# session's packet, from the client, passes; one that quotes a packet of
# no session, or one the client did not send, is dropped. The session: a
# datagram to a closed port, whose real error is let through first.
related_above() { [ "$(stat icmp_related)" -gt "$1" ]; }
related=$(stat icmp_related)
in_ns client udpflood "$SERVER4" 41000 1 5999 1 >/dev/null
wait_for 5 related_above "$related"
related=$(stat icmp_related)
dropped=$(stat drop_icmp_unrelated)
in_ns server icmperr send "$CLIENT4" "$CLIENT4" "$SERVER4" udp 41000 5999
check_num "an error quoting a live session's packet passes" \
	"$(( $(stat icmp_related) - related ))" -eq 1
in_ns server icmperr send "$CLIENT4" "$CLIENT4" "$SERVER4" udp 41001 5999
in_ns server icmperr send "$CLIENT6" "$CLIENT6" "$SERVER6" tcp 41000 80
check_num "errors quoting no session are dropped, IPv4 and IPv6" \
	"$(( $(stat drop_icmp_unrelated) - dropped ))" -eq 2
in_ns server icmperr send "$CLIENT4" "$SERVER4" "$CLIENT4" udp 5999 41000
check_num "an error sent to who did not send the quoted packet is dropped" \
	"$(( $(stat drop_icmp_unrelated) - dropped ))" -eq 3

ip netns del far
topology_down
check "rmmod" flowsess_unload
tap_done
