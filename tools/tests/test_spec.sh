#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink spec agrees with the uapi header, and the check that says so
# can fail: each kind of disagreement, made on a copy, is caught. TAP.
set -u
cd "$(dirname "$0")/../.."
spec=docs/netlink/flowsess.yaml header=kmod/uapi/flowsess.h
check=tools/tests/check_spec.py
tmp=$(mktemp -d)

n=0 failed=0
ok() {	# ok NAME COMMAND...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; fi
}
# caught NAME SED [header]: the check fails on the spec (or header) edited.
caught() {
	local out
	if [ "${3:-}" = header ]; then
		sed "$2" $header >$tmp/h.h
		out=$(python3 $check $spec $tmp/h.h)
	else
		sed "$2" $spec >$tmp/s.yaml
		cmp -s $spec $tmp/s.yaml && { echo "# $1: the edit changed nothing"; return 1; }
		out=$(python3 $check $tmp/s.yaml $header)
	fi
	[ $? -eq 1 ] && [ -n "$out" ] && echo "$out" | head -n 2 | sed 's/^/# /'
}

ok "the spec agrees with the header" python3 $check $spec $header
ok "a type changed is caught" caught type '/name: count$/{n;s/u32/u64/}'
ok "an attribute renamed is caught" caught name 's/name: no-pickup$/name: no-pick/'
ok "a command renamed is caught" caught cmd 's/name: session-del$/name: session-gone/'
ok "a command's attribute not in its set is caught" caught opattr 's/attributes: \[ count \]/attributes: [ total ]/'
ok "an enum entry renamed is caught" caught enum 's/- session-ageout$/- session-age/'
ok "an enum a knob names, missing, is caught" caught enumref '/name: time-wait-state$/,/enum: time-wait/{/enum: time-wait/d}'
ok "an unspec without its value 0 is caught (YNL would count from 1)" \
	caught value '0,/^        value: 0$/{/^        value: 0$/d}'
ok "a counter the spec lacks is caught" \
	caught counter 's/^\tFLOWSESS_STAT_MAX_SESSIONS,.*/&\n\tFLOWSESS_STAT_NEW_ONE,/' header
rm -rf $tmp
echo "1..$n"
[ $failed -eq 0 ]
