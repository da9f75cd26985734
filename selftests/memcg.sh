#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A namespace's sessions are charged to the memory cgroup of whoever made
# the namespace (a container's), and stay within its limit: a namespace
# made by a process in a cgroup (v2) forwards a flood; the cgroup's slab
# grows by 128 bytes or more a session, its kernel memory by that and
# the hash's buckets; with its limit 64 KiB above its
# use, a new flood finds no memory for some sessions (drop_nomem) while
# the cgroup stays within the limit, and the router's own table is
# untouched; once the namespace is gone, so are the charges. Kernels with
# memory cgroups only (not the tinyconfig debug kernel): selftests/TESTS.
. ./lib.sh

plan 14
check "the module loads" flowsess_load
check "the topology comes up" topology_up

cg=/sys/fs/cgroup/flowsess-test
memcg_up() {
	{ [ -e /sys/fs/cgroup/cgroup.controllers ] ||
	  mount -t cgroup2 cgroup2 /sys/fs/cgroup; } &&
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control &&
	mkdir "$cg" && [ -e "$cg/memory.current" ]
}
check "a memory cgroup" memcg_up

# A network namespace made by a process in that cgroup, kept by a sleep,
# linked to the client and forwarding for it (linked_ns_up).
sh -c "echo \$\$ >$cg/cgroup.procs && exec unshare -n sleep 900" &
keeper=$!
made() { [ "$(cat /proc/$keeper/comm 2>/dev/null)" = sleep ]; }
cgns_up() { wait_for 5 made && linked_ns_up cgns $keeper; }
check "a namespace made in it forwards for the client" cgns_up
stat() { flowsess_stat cgns "$1"; }
in_ns client ping -q -c 1 -W 2 "$SERVER4" >/dev/null
router_before=$(in_ns router flowsess sessions | awk 'NR > 1 { print $1, $2, $3, $4, $5, $6, $7 }')

# The cgroup's slab, in bytes, is exact (memory.current moves by batches
# of pages); its statistics are flushed every 2 s.
mem() { cat "$cg/memory.current"; }
slab() { awk '$1 == "slab" { print $2 }' "$cg/memory.stat"; }
# All its kernel memory, in pages: sessions and the hash's buckets (a
# bucket array of 2^n pointers, over two pages, takes 2^n * 8 bytes of
# whole pages, which the slab statistic counts too); the slab's pages
# charged ahead and not used yet may move it by a page a CPU.
kernel() { awk '$1 == "kernel" { print $2 }' "$cg/memory.stat"; }
in_ns cgns flowsess set max-sessions 20000
before=$(slab)
kernel_before=$(kernel)
in_ns client udpflood 10.0.4.9 43000 2000 9 1 >/dev/null
check_num "2000 sessions in the namespace" "$(stat sessions_active)" -ge 2000
charged() { [ $(( $(slab) - before )) -ge $((2000 * 128)) ]; }
check "... are charged to the cgroup, 128 bytes or more each" wait_for 10 charged
echo "# the cgroup's slab: $before bytes before 2000 sessions, $(slab) after"
# 4000 entries take 8192 buckets (at most 75 % full): 64 KiB.
hashed() { [ $(( $(kernel) - kernel_before )) -ge $((2000 * 128 + 65536 - 2 * 4096)) ]; }
check "... and so is their hash, 64 KiB of buckets" wait_for 10 hashed
echo "# the cgroup's kernel memory: $kernel_before bytes before, $(kernel) after"

# GFP_ATOMIC would charge past the limit; flowsess's allocations may not.
echo $(( $(mem) + 65536 )) >"$cg/memory.max"
in_ns client udpflood 10.0.4.9 45000 5000 9 1 >/dev/null
check_num "with the limit 64 KiB above, a flood finds no memory for some" \
	"$(stat drop_nomem)" -gt 0
check "... and the cgroup stays within its limit" [ "$(mem)" -le "$(cat "$cg/memory.max")" ]
echo "# $(stat sessions_active) sessions, $(stat drop_nomem) refused; $(mem) of $(cat "$cg/memory.max") bytes"
check "... the namespace still clears its table" eval 'in_ns cgns flowsess clear all nopickup >/dev/null'
router_after=$(in_ns router flowsess sessions | awk 'NR > 1 { print $1, $2, $3, $4, $5, $6, $7 }')
check "the router's own sessions are untouched" [ -n "$router_before" -a "$router_after" = "$router_before" ]

kill $keeper 2>/dev/null
wait $keeper 2>/dev/null
ip netns del cgns
# The namespace goes in the background, and the sessions' charges with it:
# the slab falls below where it was before them.
uncharged() { [ "$(slab)" -lt "$before" ]; }
check "the namespace gone, its sessions' charges are gone" wait_for 30 uncharged
echo "# the cgroup's slab: $(slab) bytes"
check "the cgroup is empty and goes" rmdir "$cg"
topology_down
check "rmmod" flowsess_unload
tap_done
