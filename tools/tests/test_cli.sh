#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tool's command line, on the host (no module needed): its version is
# dkms.conf's, a knob given twice is a usage error, so is a clear that
# names no sessions, a policy file of comments only loads without asking
# the kernel anything, and -n refuses what is not a namespace's name. TAP
# on stdout.
set -u
cd "$(dirname "$0")/.."

n=0 failed=0
check() {	# check NAME COMMAND...
	n=$((n + 1))
	if "${@:2}"; then
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
	fi
}

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' ../dkms.conf)
check "-V prints dkms.conf's version" [ "$(./flowsess -V)" = "flowsess $version" ]
check "... and so does --version" [ "$(./flowsess --version)" = "flowsess $version" ]

err=$(./flowsess set rst-grace-delay 1 udp-timeout 5 rst-grace-delay 2 2>&1)
check "a knob given twice is a usage error, exit 2" \
	[ $? -eq 2 -a "$err" = "flowsess: rst-grace-delay is given twice" ]
err=$(./flowsess set time-wait-state session-timeout 30 time-wait-state off 2>&1)
check "... time-wait-state too" \
	[ $? -eq 2 -a "$err" = "flowsess: time-wait-state is given twice" ]

err=$(./flowsess clear 2>&1)
check "clear with no sessions named is a usage error, exit 2" \
	[ $? -eq 2 -a "$err" = "flowsess: clear: say which sessions: all, or a filter" ]
err=$(./flowsess clear nopickup 2>&1)
check "... nopickup alone names none either" \
	[ $? -eq 2 -a "$err" = "flowsess: clear: say which sessions: all, or a filter" ]

conf=$(mktemp)
printf '# nothing to change\n\n   # indented\n' >"$conf"
# No module on the host: a request would fail with "not loaded".
out=$(./flowsess load "$conf" 2>&1)
check "a file of comments loads, asking the kernel nothing" [ $? -eq 0 -a -z "$out" ]
rm -f "$conf"

err=$(./flowsess -n flowsess-no-such-ns show 2>&1)
check "-n with a namespace that does not exist: exit 1, and why" \
	[ $? -eq 1 -a "$err" = "flowsess: -n flowsess-no-such-ns: No such file or directory" ]
err=$(./flowsess -n .. show 2>&1)
check "-n .. is a usage error too" [ $? -eq 2 ]
err=$(./flowsess -n ../etc show 2>&1)
check "-n with a path is a usage error" \
	[ $? -eq 2 -a "$err" = "flowsess: -n wants a namespace's name, as ip netns lists it" ]

# The man page, rendered for 80 columns and for 60: groff has nothing to
# warn about, and splits no identifier (a knob, counter or filter in bold,
# such as rst-invalidate-session) over two lines, at a hyphen of its own
# or one hyphenation would add (.nh).
split_identifiers() {	# split_identifiers WIDTH: the identifiers split
	groff -man -Tutf8 -rLL="$1"n flowsess.8 2>/dev/null | python3 -c '
import re, sys
ids = set()
for line in open("flowsess.8"):
    if line.startswith((".B", ".I")):
        ids.update(re.findall(r"[a-z0-9_]+(?:-[a-z0-9_]+)+", line))
lines = [re.sub(r".\x08", "", l).rstrip() for l in sys.stdin]
for a, b in zip(lines, lines[1:]):
    m = re.search(r"([a-z0-9_-]*)[-\u2010]$", a)
    n = re.match(r"\s*([a-z0-9_-]+)", b)
    if m and n and m.group(1) + "-" + n.group(1) in ids:
        print(m.group(1) + "-" + n.group(1))
'
}
groff -man -Tutf8 -ww -rLL=78n flowsess.8 >/dev/null 2>/tmp/flowsess-man.err
check "the man page renders, without warnings" [ $? -eq 0 -a ! -s /tmp/flowsess-man.err ]
check "... and splits no identifier over two lines, at 80 columns or 60" \
	[ -z "$(split_identifiers 78)$(split_identifiers 58)" ]

echo "1..$n"
[ $failed -eq 0 ]
