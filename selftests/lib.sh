# SPDX-License-Identifier: GPL-2.0
# Sourced by every selftest: TAP output, iproute2, the module, and the
# client / router / server topology.
#
#   client  veth  router  veth  server
#   10.0.1.2 ---- 10.0.1.1 | 10.0.2.1 ---- 10.0.2.2
#   fd00:1::2     fd00:1::1 | fd00:2::1     fd00:2::2
#
# The router forwards between the two links; flowsess hooks its FORWARD path.
# With ROUTER_IN_INIT=1 the router is the initial namespace (named "router"
# all the same), the one /sys/kernel/flowsess/ reports on.

# Busybox prefers its own applets; call iproute2 by its full path.
ip() { /opt/iproute2/ip "$@"; }
tc() { /opt/iproute2/tc "$@"; }
ss() { /opt/iproute2/ss "$@"; }

CLIENT4=10.0.1.2 SERVER4=10.0.2.2 CLIENT6=fd00:1::2 SERVER6=fd00:2::2

_tap_count=0
_tap_failed=0

plan() { echo "1..$1"; }

# check DESCRIPTION COMMAND...: one TAP result from a command's status.
check() {
	local desc=$1
	shift
	_tap_count=$((_tap_count + 1))
	if "$@"; then
		echo "ok $_tap_count - $desc"
	else
		echo "not ok $_tap_count - $desc"
		_tap_failed=$((_tap_failed + 1))
		return 1
	fi
}

# check_num DESCRIPTION VALUE OP EXPECTED: a numeric comparison (-eq, -ge...)
# that shows both numbers when it fails.
check_num() {
	local desc=$1 value=$2 op=$3 expected=$4
	case "$value" in
	''|*[!0-9]*) echo "# $desc: got \"$value\", not a number"; value=-1 ;;
	esac
	check "$desc" [ "$value" "$op" "$expected" ] ||
		echo "# $desc: got $value, wanted $op $expected"
}

# stress STOCK DEBUG: how many rounds of a stress loop to run. The debug
# kernel (KASAN, lockdep, kmemleak, under emulation) is ten times slower or
# more; there the loops look for reports rather than for volume.
stress() {
	if [ "${FLOWSESS_DEBUG_KERNEL:-0}" = 1 ]; then echo "$2"; else echo "$1"; fi
}

# kmsg_mark NAME puts a line in the kernel log; kmsg_since NAME TEXT says
# whether TEXT was logged after it. Earlier tests in the same VM log too.
# The module's drop messages share net_ratelimit() (10 in 5 s) with the
# whole kernel: nothing before a mark may have spent it.
kmsg_mark() { echo "flowsess-mark: $1." >/dev/kmsg; }
kmsg_since() {
	dmesg | awk -v m="flowsess-mark: $1." -v t="$2" '
		index($0, m) { marked = 1; found = 0; next }
		marked && index($0, t) { found = 1 }
		END { if (!marked) print "# kmsg_since: no mark " m; exit !found }'
}

# Exit status of the selftest: non-zero when any check failed.
tap_done() {
	[ $_tap_failed -eq 0 ]
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# flowsess_deps: the modules flowsess needs (reassembly: kmod/hooks.c),
# which insmod does not load.
flowsess_deps() {
	modload nf_defrag_ipv4 && modload nf_defrag_ipv6
}

flowsess_load() {
	flowsess_deps && insmod /lib/flowsess/flowsess.ko "$@"
}

flowsess_unload() {
	if grep -q '^flowsess ' /proc/modules; then
		rmmod flowsess
	fi
}

# hold_hook_keys: the netfilter hooks' static keys stay on, held by empty
# nftables chains in the initial namespace, as a router's firewall holds
# them: FORWARD (flowsess), PRE_ROUTING and LOCAL_OUT (the reassembly it
# enables). Flipped by insmod or rmmod under traffic, they patch the
# stack's code while the other vCPU runs it, which the emulated 6.12 does
# not survive ("Oops: int3" in ip_forward, on flowsess versions that
# passed before too: docs/testing.md). release_hook_keys lets them go.
hold_hook_keys() {
	modload nf_tables &&
	nft add table inet flowsess_hold &&
	nft add chain inet flowsess_hold forward '{ type filter hook forward priority 100; }' &&
	nft add chain inet flowsess_hold prerouting '{ type filter hook prerouting priority 100; }' &&
	nft add chain inet flowsess_hold output '{ type filter hook output priority 100; }'
}
release_hook_keys() {
	nft delete table inet flowsess_hold
}

# flowsess_stat NS NAME: one counter of namespace NS, read with the tool.
flowsess_stat() {
	in_ns "$1" flowsess stats | awk -v n="$2" '$1 == n { print $2 }'
}

# rst_waiting: how many of the router's TCP sessions are in CLOSE (a RST
# seen) with 10 s or more left: waiting out a long RST grace delay (the
# tests that count them load the module with rst_grace_ms=60000).
rst_waiting() {
	in_ns router flowsess sessions proto tcp state close |
		awk 'NR > 1 && $2 == "tcp" && $7 == "close" && $11 + 0 >= 10' | wc -l
}

topology_up() {
	local ns
	modload veth || return 1
	for ns in client router server; do
		if [ "$ns" = router ] && [ "${ROUTER_IN_INIT:-0}" = 1 ]; then
			ip netns attach router 1 || return 1
		else
			ip netns add "$ns" || return 1
		fi
	done
	links_up || return 1
	# Resolve the neighbours on both links with traffic to the router
	# itself, which is not forwarded and so leaves no session behind.
	wait_for 5 in_ns client ping -q -c 1 -W 1 10.0.1.1 >/dev/null &&
	wait_for 5 in_ns client ping -6 -q -c 1 -W 1 fd00:1::1 >/dev/null &&
	wait_for 5 in_ns server ping -q -c 1 -W 1 10.0.2.1 >/dev/null &&
	wait_for 5 in_ns server ping -6 -q -c 1 -W 1 fd00:2::1 >/dev/null
}

# host_link NS DEV ADDR4 ADDR6 GW4 GW6: an end host's side of its link.
host_link() {
	ip -n "$1" -batch - <<-EOF
		link set lo up
		addr add $3/24 dev $2
		addr add $4/64 dev $2 nodad
		link set $2 up
		route add default via $5
		route add default via $6
	EOF
}

# links_up: the veth pairs, addresses, routes and forwarding between the
# three namespaces; again after a new router namespace replaced one that
# was deleted (the client's and server's ends went with it).
links_up() {
	local ns
	for ns in client router server; do
		# No duplicate address detection: links are usable at once.
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip link add c0 netns client type veth peer name r0 netns router &&
	ip link add s0 netns server type veth peer name r1 netns router || return 1
	host_link client c0 10.0.1.2 fd00:1::2 10.0.1.1 fd00:1::1 || return 1
	host_link server s0 10.0.2.2 fd00:2::2 10.0.2.1 fd00:2::1 || return 1
	ip -n router -batch - <<-EOF || return 1
		link set lo up
		addr add 10.0.1.1/24 dev r0
		addr add fd00:1::1/64 dev r0 nodad
		addr add 10.0.2.1/24 dev r1
		addr add fd00:2::1/64 dev r1 nodad
		link set r0 up
		link set r1 up
	EOF
	in_ns router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# far_up: a fourth host, far, behind the server, which forwards for it:
#   ... router 10.0.2.1 --- 10.0.2.2 server 10.0.3.1 (s1) --- 10.0.3.2 far (f0)
#                                           fd00:3::1         fd00:3::2
FAR4=10.0.3.2 FAR6=fd00:3::2
far_up() {
	ip netns add far &&
	ip link add f0 netns far type veth peer name s1 netns server &&
	in_ns far sysctl -qw net.ipv6.conf.all.accept_dad=0 &&
	host_link far f0 $FAR4 $FAR6 10.0.3.1 fd00:3::1 &&
	ip -n server -batch - <<-EOF &&
		addr add 10.0.3.1/24 dev s1
		addr add fd00:3::1/64 dev s1 nodad
		link set s1 up
	EOF
	in_ns server sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
	ip -n router route add 10.0.3.0/24 via 10.0.2.2 &&
	ip -n router route add fd00:3::/64 via fd00:2::2
}

# linked_ns_up NS PID: the network namespace of PID (made by a test for
# its own reasons), named NS, linked to the client (client 10.0.3.2, NS
# 10.0.3.1) and forwarding: a datagram the client sends to 10.0.4.x
# through it goes back out the same link, and is a session of NS's.
linked_ns_up() {
	ip netns attach "$1" "$2" &&
	ip link add c1 netns client type veth peer name u0 netns "$1" &&
	ip -n "$1" addr add 10.0.3.1/24 dev u0 &&
	ip -n "$1" link set u0 up &&
	ip -n "$1" route add default via 10.0.3.2 &&
	in_ns "$1" sysctl -qw net.ipv4.ip_forward=1 &&
	ip -n client addr add 10.0.3.2/24 dev c1 &&
	ip -n client link set c1 up &&
	ip -n client route add 10.0.4.0/24 via 10.0.3.1
}

topology_down() {
	local ns
	# A deleted namespace is torn down later, in the background, with the
	# veth pairs in it: take the router's ends away now, or the initial
	# namespace, as the router, may still hold them at the next
	# topology_up.
	ip -n router link del r0 2>/dev/null
	ip -n router link del r1 2>/dev/null
	for ns in client router server far; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# flowsess_param NAME VALUE: a module parameter, the default for namespaces
# created afterwards.
flowsess_param() {
	echo "$2" >"/sys/module/flowsess/parameters/$1"
}

# kv KEY TEXT: the value of a key=value line.
kv() {
	echo "$2" | sed -n "s/^$1=//p"
}

# listening NS t|u PORT [N]: N (default 1) sockets of NS listen on PORT.
listening() {
	[ "$(in_ns "$1" netstat -l"$2"n | grep -c ":$3 ")" -ge "${4:-1}" ]
}

# wait_for SECONDS COMMAND...: poll every 100 ms until COMMAND succeeds.
wait_for() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# kb_run SERVER_ADDR [CLIENT_PORT]: the SCENARIO's sequence (kbflow) from the
# client port (default 12340) to SERVER_ADDR port 1234; prints the client's
# key=value lines. A second run in one topology needs another client port:
# the first one's connection is in TIME_WAIT.
kb_run() {
	local sync spid
	sync=$(mktemp -d)
	in_ns server kbflow server "$1" 1234 "$sync" &
	spid=$!
	in_ns client kbflow client "${2:-12340}" "$1" 1234 "$sync"
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	rm -rf "$sync"
}
