#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Asking for the netlink family never loads the module: it carries no
# family alias, so a user without CAP_NET_ADMIN running `flowsess show`
# (which the kernel's family lookup would answer with request_module())
# cannot change what the router forwards. Module loading is made to work
# here as on a router: the module installed under /lib/modules, depmod,
# a modprobe for the kernel to call.
. ./lib.sh

plan 6
ko=/lib/flowsess/flowsess.ko
dir=/lib/modules/$(uname -r)
mkdir -p "$dir/extra" && cp "$ko" "$dir/extra/" && depmod
echo /bin/modprobe >/proc/sys/kernel/modprobe
check "depmod indexed the installed module" grep -q 'extra/flowsess.ko' "$dir/modules.dep"
check_num "... which has no alias for its netlink family" \
	"$(grep -c 'family-flowsess' "$dir/modules.alias")" -eq 0
err=$(runas 65534 flowsess show 2>&1)
check "a user's flowsess show: not loaded, says the tool, and how to load it" \
	[ $? -eq 1 -a "$err" = "flowsess: the flowsess kernel module is not loaded (as root: modprobe flowsess)" ]
check "... and the module is still not loaded" [ -z "$(grep '^flowsess ' /proc/modules)" ]
check "root loads it with modprobe, as the tool says" modprobe flowsess
check "... and unloads it" rmmod flowsess
tap_done
