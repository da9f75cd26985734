#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ways onto a router, on the host: make install / make uninstall into a
# staging DESTDIR; and DKMS (Debian's dkms package) building and installing
# the module for Debian's kernel KVER from its headers, by hand, as the
# README says (the Debian packages are package-check.sh's). Prints
# "ok - ..." lines. The system's DKMS tree is left as it was found.
#
#   install-check.sh KVER
set -uo pipefail
. "$(dirname "$0")/env.sh"
kver=$1
top=$FLOWSESS_TOP

failed=0
result() { host_check install "$@"; }	# result DESCRIPTION COMMAND...
log=$(mktemp /tmp/flowsess-install.XXXXXX)
stage=$(mktemp -d)
trap 'rm -rf "$stage" "$src"' EXIT
make_in() { make -s -C "$top" KDIR="/usr/src/linux-headers-$kver" PREFIX=/usr DESTDIR="$stage" "$@"; }

version=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$top/kmod/main.c")
dkms_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
result "dkms.conf and MODULE_VERSION agree ($version)" \
	test -n "$version" -a "$version" = "$dkms_version"

result "make install into a DESTDIR" make_in install
installed() {
	local f
	for f in usr/sbin/flowsess usr/share/man/man8/flowsess.8 \
		 usr/share/bash-completion/completions/flowsess \
		 usr/lib/systemd/system/flowsess.service \
		 usr/lib/systemd/system/flowsess@.service \
		 usr/lib/systemd/system/flowsess-prometheus.service \
		 usr/lib/systemd/system/flowsess-prometheus.timer \
		 usr/lib/systemd/system/flowsess-sync.service \
		 usr/share/doc/flowsess/examples/flowsess.conf \
		 usr/share/doc/flowsess/examples/flowsess-sync.conf \
		 usr/share/doc/flowsess/examples/keepalived/keepalived.conf \
		 "lib/modules/$kver/updates/kmod/flowsess.ko"; do
		[ -f "$stage/$f" ] || { echo "missing $f"; return 1; }
	done
	grep -q '^updates/kmod/flowsess.ko:' "$stage/lib/modules/$kver/modules.dep" &&
	grep -qx 'ExecStart=/usr/sbin/flowsess load /etc/flowsess.conf' \
		"$stage/usr/lib/systemd/system/flowsess.service" &&
	grep -qx 'ExecReload=/usr/sbin/flowsess load /etc/flowsess.conf' \
		"$stage/usr/lib/systemd/system/flowsess.service" &&
	grep -qx 'ExecStart=/usr/sbin/flowsess -n %i load /etc/flowsess/%i.conf' \
		"$stage/usr/lib/systemd/system/flowsess@.service" &&
	grep -q "^ExecStart=/bin/sh -c '/usr/sbin/flowsess stats -o prometheus" \
		"$stage/usr/lib/systemd/system/flowsess-prometheus.service" &&
	grep -qx 'ExecStart=/usr/sbin/flowsess sync run $FLOWSESS_SYNC' \
		"$stage/usr/lib/systemd/system/flowsess-sync.service"
}
result "... puts the module (in modules.dep), tool, man page, completion, units and examples" installed
result "make uninstall" make_in uninstall
removed() {
	[ -z "$(find "$stage" -type f -name '*flowsess*')" ] &&
	! grep -q flowsess "$stage/lib/modules/$kver/modules.dep"
}
result "... removes them all" removed

# DKMS by hand, as the README says: the source in /usr/src/flowsess-VERSION.
src=/usr/src/flowsess-$version
dkms remove "flowsess/$version" --all >>"$log" 2>&1
rm -rf "$src"
mkdir -p "$src"
(cd "$top" && cp -r Kbuild dkms.conf kmod "$src/")
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*' \) -delete
result "dkms add" dkms add "flowsess/$version"
result "dkms build for $kver" dkms build "flowsess/$version" -k "$kver"
result "dkms install for $kver" dkms install "flowsess/$version" -k "$kver"
dkms_ko=$(find "/lib/modules/$kver/updates/dkms" -name 'flowsess.ko*' 2>/dev/null | head -n 1)
result "... the module is in /lib/modules/$kver/updates/dkms" test -n "$dkms_ko"
result "dkms remove" dkms remove "flowsess/$version" --all
result "... takes the module away" test ! -e "$dkms_ko"
[ $failed -eq 1 ] || rm -f "$log"
