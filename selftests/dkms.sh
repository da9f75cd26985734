#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module as DKMS built it from Debian's headers for this kernel, from
# the flowsess-dkms package, and the tool from the flowsess package (the
# host's part is selftests/vm/package-check.sh): the module loads, says
# its version, tracks forwarded traffic and unloads; the tool answers.
. ./lib.sh

plan 8
dkms_load() { flowsess_deps && insmod /lib/flowsess/dkms.ko; }
check "the DKMS-built module loads" dkms_load
check "... version 0.1.0" [ "$(cat /sys/module/flowsess/version 2>/dev/null)" = 0.1.0 ]
check "the topology comes up" topology_up
check "a ping through the router" in_ns client ping -q -c 2 -i 0.2 -W 2 "$SERVER4"
check_num "... tracked in a session" "$(flowsess_stat router sessions_created)" -eq 1
check "the packaged tool: flowsess show answers" \
	eval 'in_ns router flowsess-deb show | grep -q "^rst-invalidate-session  *off$"'
check "... and says its version, 0.1.0" [ "$(flowsess-deb -V)" = "flowsess 0.1.0" ]
topology_down
check "rmmod" flowsess_unload
tap_done
