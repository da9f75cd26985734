#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two routers, one session table (docs/ha.md): keepalived holds the
# virtual gateway addresses on both sides, its notify scripts tell
# flowsess sync which router is master, and the master's sessions are
# copied to the backup. Connections through the master (one message
# every 100 ms, a stream, a bulk transfer) live through its failure and
# through the failback, their longest stall under 3 s; without the sync,
# the same failover cuts them, and the standby counts the drops. Then a
# freshly started standby gets 10 000 sessions (how long, how many bytes);
# and last, a standby that forwards before its daemon is told keeps the
# sessions it forwards when a whole table does not list them.
#
#   client 10.0.1.2 --[sw: br-c]-- r1 .11 / r2 .12 (VIP 10.0.1.1)
#   server 10.0.2.2 --[sw: br-s]-- r1 .11 / r2 .12 (VIP 10.0.2.1)
#   r1 r1y 10.9.0.1 ---- 10.9.0.2 r2y r2 (the sync link)
. ./lib.sh

plan 34
# A role kept by an earlier test's daemons would be taken up at start.
rm -f /run/flowsess/sync-*.role
check "the module loads" flowsess_load
modload veth && modload bridge

up() {
	local ns
	for ns in client server r1 r2 sw; do
		ip netns add $ns || return 1
		in_ns $ns sysctl -qw net.ipv6.conf.all.accept_dad=0
		ip -n $ns link set lo up
	done
	ip -n sw link add br-c type bridge && ip -n sw link add br-s type bridge &&
	ip -n sw link set br-c up && ip -n sw link set br-s up || return 1
	# port NS DEV BRIDGE: NS's DEV on the switch's BRIDGE.
	port() {
		ip link add "$2" netns "$1" type veth peer name "sw-$2" netns sw &&
		ip -n sw link set "sw-$2" master "$3" up && ip -n "$1" link set "$2" up
	}
	port client c0 br-c && port server s0 br-s &&
	port r1 r1c br-c && port r1 r1s br-s && port r2 r2c br-c && port r2 r2s br-s || return 1
	ip link add r1y netns r1 type veth peer name r2y netns r2 || return 1
	ip -n client addr add 10.0.1.2/24 dev c0 && ip -n client route add default via 10.0.1.1 &&
	ip -n server addr add 10.0.2.2/24 dev s0 && ip -n server route add default via 10.0.2.1 &&
	ip -n r1 addr add 10.0.1.11/24 dev r1c && ip -n r1 addr add 10.0.2.11/24 dev r1s &&
	ip -n r2 addr add 10.0.1.12/24 dev r2c && ip -n r2 addr add 10.0.2.12/24 dev r2s &&
	ip -n r1 addr add 10.9.0.1/24 dev r1y && ip -n r2 addr add 10.9.0.2/24 dev r2y &&
	ip -n r1 link set r1y up && ip -n r2 link set r2y up || return 1
	for ns in r1 r2; do
		in_ns $ns sysctl -qw net.ipv4.ip_forward=1 || return 1
		# Strict, as an SRX: a segment of no session is dropped.
		in_ns $ns flowsess set pickup-period 0 udp-timeout 600 || return 1
	done
}
check "two routers, a client, a server and a switch come up" up

umask 077
echo "flowsess-failover-key-0123456789" >/tmp/ha.key
umask 022
# keepalived_conf NS PRIORITY: the configuration flowsess ships
# (dist/keepalived/keepalived.conf.in, docs/ha.md) on this test's
# interfaces and with its tool: VRRP v3 at 5 adverts a second, so that a
# failure is seen in about 0.7 s; a router that comes back waits 8 s
# before it takes over again, time for its copy to catch up.
keepalived_conf() {
	sed -e "s/router_id flowsess-a/router_id $1/" -e "s/priority 150/priority $2/" \
	    -e "s/interface eth0/interface ${1}c/" -e "s/interface eth1/interface ${1}s/" \
	    -e "s|\"@SBINDIR@/flowsess sync |\"/bin/flowsess -n $1 sync |" \
	    keepalived.conf.in
}
# bg NS COMMAND...: COMMAND in namespace NS, as the background job itself
# (its $! is COMMAND's pid, so that kill reaches it).
bg() { exec /opt/iproute2/ip netns exec "$@"; }
# keepalived looks its script_user up; the VM's initramfs has no users.
[ -e /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
[ -e /etc/group ] || echo 'root:x:0:' >/etc/group
start_keepalived() {
	keepalived_conf "$1" "$2" >"/tmp/ka-$1.conf"
	bg "$1" keepalived --dont-fork --log-console --vrrp -f "/tmp/ka-$1.conf" \
		-p "/tmp/ka-$1.pid" -r "/tmp/ka-$1-vrrp.pid" >>"/tmp/ka-$1.log" 2>&1 &
}
start_sync() {	# NS PEER LOCAL
	bg "$1" flowsess -n "$1" sync run peer "$2" local "$3" key /tmp/ha.key \
		refresh 10 2>>"/tmp/sync-$1.log" &
	eval "sync_$1=$!"
}
sync_of() { in_ns "$1" flowsess -n "$1" sync status 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }'; }
has_vip() { ip -n "$1" -4 addr show dev "${1}c" | grep -q '10.0.1.1/'; }
master_is() {	# NS: it holds both addresses, its daemon (if any) is master
	has_vip "$1" && ip -n "$1" -4 addr show dev "${1}s" | grep -q '10.0.2.1/' &&
	{ [ "$2" = nosync ] || [ "$(sync_of "$1" role)" = master ]; }
}
start_sync r1 10.9.0.2 10.9.0.1
start_sync r2 10.9.0.1 10.9.0.2
start_keepalived r1 150
start_keepalived r2 100
check "keepalived makes r1 master, and tells its sync daemon" wait_for 15 master_is r1
check "... r2 backup" eval '! has_vip r2 && [ "$(sync_of r2 role)" = backup ]'

# conns_start PORT SECONDS: the connections of a phase, through the master:
# one message every 100 ms for SECONDS (tcpecho), a stream (tcpstream),
# 1 GB in bulk (about 10 s here).
tmp=$(mktemp -d)
conns_start() {	# PORT ECHO_SECONDS
	local p=$1
	bg server tcpecho server 10.0.2.2 "$p" 60 >/dev/null &
	bg server tcpstream server 10.0.2.2 $((p + 1)) >"$tmp/stream$p" &
	bg server tcpbulk server 10.0.2.2 $((p + 2)) >/dev/null &
	wait_for 5 listening server t $((p + 2)) || return 1
	bg client tcpecho client 10.0.2.2 "$p" "$2" >"$tmp/echo$p" &
	echo_pid=$!
	bg client tcpstream client 10.0.2.2 $((p + 1)) &
	stream_pid=$!
	bg client tcpbulk client 10.0.2.2 $((p + 2)) 1000000000 >"$tmp/bulk$p" &
	bulk_pid=$!
	wait_for 10 grep -q '^second=2$' "$tmp/stream$p"
}
# conns_end PORT: 0 if every message came back, the stream's longest gap
# was under 3 s and the bulk transfer arrived whole.
conns_end() {
	local p=$1 rc=0 gap
	wait $echo_pid || rc=1
	kill $stream_pid
	wait $stream_pid 2>/dev/null
	wait_for 10 grep -q '^seconds=' "$tmp/stream$p" || rc=1
	wait $bulk_pid || rc=1
	gap=$(kv gap_ms "$(tail -n 1 "$tmp/stream$p" | tr ' ' '\n')")
	echo "# echo: $(cat "$tmp/echo$p"); stream: $(tail -n 1 "$tmp/stream$p"); bulk: $(cat "$tmp/bulk$p")"
	[ "${gap:-99999}" -lt 3000 ] || rc=1
	kill $(ip netns pids server) 2>/dev/null
	return $rc
}
# on NS PORT: NS holds the established session of the connection to PORT.
on() { in_ns "$1" flowsess sessions dport "$2" state established | grep -q ' tcp '; }
links() {	# NS up|down: its links to the switch
	ip -n "$1" link set "${1}c" "$2" && ip -n "$1" link set "${1}s" "$2"
}

# Failover, with sync.
check "connections run through r1" conns_start 8000 12
check "... and their sessions are on r2 already, established" wait_for 5 eval 'on r2 8000 && on r2 8001 && on r2 8002'
drops=$(flowsess_stat r2 drop_no_session)
t0=$(date +%s)
links r1 down
check "r1 fails (its links down): r2 takes over, told so" wait_for 10 master_is r2
echo "# r2 master within $(($(date +%s) - t0)) s"
check "... while the connections run" kill -0 $echo_pid $stream_pid $bulk_pid
check "every connection lives through it: every message echoed, the stream never stalls 3 s, the bulk whole" \
	conns_end 8000
check_num "... r2 dropped nothing for want of a session" "$(flowsess_stat r2 drop_no_session)" -eq "$drops"

# Failback: r1 comes back, catches up as backup, and takes over again.
links r1 up
check "r1's links back: it is backup, r2 keeps the addresses" \
	wait_for 5 eval '[ "$(sync_of r1 role)" = backup ] && ! has_vip r1 && has_vip r2'
check "connections run through r2" conns_start 8100 20
check "... their sessions reach r1" wait_for 5 eval 'on r1 8100 && on r1 8101 && on r1 8102'
drops=$(flowsess_stat r1 drop_no_session)
check "r1 takes over again (the higher priority)" wait_for 20 master_is r1
check "... while the connections run" kill -0 $echo_pid $stream_pid $bulk_pid
check "every connection lives through the failback" conns_end 8100
check_num "... r1 dropped nothing for want of a session" "$(flowsess_stat r1 drop_no_session)" -eq "$drops"

# Without sync: the same failover cuts them.
kill $sync_r1 $sync_r2
check "the sync daemons stopped" wait_for 5 eval '! kill -0 $sync_r1 2>/dev/null && ! kill -0 $sync_r2 2>/dev/null'
bg server tcpecho server 10.0.2.2 8200 60 >/dev/null &
wait_for 5 listening server t 8200
bg client tcpecho client 10.0.2.2 8200 6 >"$tmp/echo8200" &
echo_pid=$!
check "a connection runs through r1" wait_for 5 on r1 8200
check "... and r2 has no session of it" eval '! on r2 8200'
drops=$(flowsess_stat r2 drop_no_session)
links r1 down
check "r1 fails: r2 takes over" wait_for 10 master_is r2 nosync
wait $echo_pid
check "without sync, the connection is cut: messages never echoed" [ $? -ne 0 ]
echo "# $(cat "$tmp/echo8200")"
check_num "... its segments dropped by r2 for want of a session" \
	"$(( $(flowsess_stat r2 drop_no_session) - drops ))" -gt 0
kill $(ip netns pids server) $(ip netns pids client) 2>/dev/null

# A freshly started standby: 10 000 sessions through r2, the master now.
in_ns r1 flowsess clear all nopickup >/dev/null
in_ns client udpflood 10.0.2.2 20000 100 6000 100 >/dev/null
listed() { in_ns "$1" flowsess sessions | sed 1d | wc -l; }
check_num "r2 holds 10 000 sessions" "$(listed r2)" -ge 10000
start_sync r2 10.9.0.1 10.9.0.2
check "r2's daemon, started again, is master: keepalived's last word, kept" \
	wait_for 5 eval '[ "$(sync_of r2 role)" = master ]'
bytes0=$(sync_of r2 sent_bytes)
start_sync r1 10.9.0.2 10.9.0.1
check "a standby started now gets them all" wait_for 60 eval '[ "$(listed r1)" -eq "$(listed r2)" ]'
check "... a whole table, asked for at its start" wait_for 5 eval '[ "$(sync_of r1 resyncs_received)" -ge 1 ]'
echo "# $(listed r1) sessions in $(sync_of r1 last_table_ms) ms, $(( $(sync_of r2 sent_bytes) - bytes0 )) bytes"
check_num "... none refused" "$(sync_of r1 import_errors)" -eq 0

# A router that forwards while its daemon is still backup (keepalived's
# notify not run yet) owns the sessions that cross it. r1 takes the
# addresses behind keepalived's back (stopped, as if it had not yet told
# the daemons) and forwards 10 of the 10 000 flows; then r2's daemon
# starts again with its table cleared meanwhile, so its whole table lists
# none of them. r1 ends the copies nothing crossed (swept), not those 10.
killall -9 keepalived
wait_for 5 eval '! pidof keepalived >/dev/null'
links r1 up
# keepalived's parent may have taken r2's addresses away when its child
# died, before its own SIGKILL: whether r2 still has them varies.
take_vips() {
	ip -n r2 addr del 10.0.1.1/24 dev r2c 2>/dev/null
	ip -n r2 addr del 10.0.2.1/24 dev r2s 2>/dev/null
	! has_vip r2 && ip -n r1 addr add 10.0.1.1/24 dev r1c &&
	ip -n r1 addr add 10.0.2.1/24 dev r1s &&
	ip -n client neigh flush all && ip -n server neigh flush all
}
check "r1 takes the addresses, its daemon still backup" \
	eval 'take_vips && master_is r1 nosync && [ "$(sync_of r1 role)" = backup ]'
# copies NS: its sessions of the flood to port 6000 still marked imported.
copies() { in_ns "$1" flowsess -j sessions dport 6000 | grep -o '"imported":true' | wc -l; }
in_ns client udpflood 10.0.2.2 20000 10 6000 1 >/dev/null
check "10 flows through r1: their sessions there are copies no more" \
	eval 'wait_for 5 eval "[ \$(copies r1) -eq 90 ]" || { echo "# $(copies r1) copies"; false; }'
kill $sync_r2
wait_for 5 eval '! kill -0 $sync_r2 2>/dev/null'
in_ns r2 flowsess clear all nopickup >/dev/null
tables0=$(sync_of r1 resyncs_received) swept0=$(sync_of r1 swept)
start_sync r2 10.9.0.1 10.9.0.2
check "r2's daemon, started again with an empty table: r1 gets that table" \
	wait_for 30 eval '[ "$(sync_of r1 resyncs_received)" -gt "$tables0" ]'
echo "# r1 swept $(( $(sync_of r1 swept) - swept0 )) copies"
check_num "... and ends the copies nothing crossed: 9 990 of the flood at least" \
	"$(( $(sync_of r1 swept) - swept0 ))" -ge 9990
check_num "... not the 10 flows it forwards" \
	"$(in_ns r1 flowsess sessions dport 6000 | grep -c ' udp ')" -eq 10

for ns in r1 r2 client server; do
	kill $(ip netns pids $ns) 2>/dev/null
done
sed 's/^/#   /' /tmp/sync-r1.log /tmp/sync-r2.log
grep -h 'Entering\|FAULT' /tmp/ka-r1.log /tmp/ka-r2.log | sed 's/^/#   /' | head -20
for ns in client server r1 r2 sw; do
	ip netns del $ns
done
check "rmmod" flowsess_unload
tap_done
