#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The build tree of Debian kernel KVER's headers: the installed package's
# for the 6.1 kernel (deps.sh installs it), else the packages unpacked
# (once, cached) with dpkg -x, never installed: installing the headers of
# another kernel line would pull in its image. Prints the tree's path.
#
#   headers.sh KVER
set -euo pipefail
. "$(dirname "$0")/env.sh"

kver=$1
if [ -f "/usr/src/linux-headers-$kver/Makefile" ]; then
	echo "/usr/src/linux-headers-$kver"
	exit 0
fi
v=${kver%-amd64}
root="$FLOWSESS_CACHE/headers-$kver"
kdir="$root/usr/src/linux-headers-$kver"
if [ ! -f "$root/.flowsess-unpacked" ]; then
	say "downloading the headers of $kver"
	rm -rf "$root"
	mkdir -p "$root/deb"
	(cd "$root/deb" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-headers-$kver" "linux-headers-$v-common" "linux-kbuild-$v" >&2) ||
		die "cannot download the headers of $kver"
	for d in "$root"/deb/*.deb; do
		dpkg -x "$d" "$root"
	done
	rm -rf "$root/deb"
	# Its Makefile includes the common part by absolute path.
	sed -i "s,^include /usr/src/,include $root/usr/src/," "$kdir/Makefile"
	[ -f "$kdir/Makefile" ] || die "the headers of $kver have no Makefile"
	touch "$root/.flowsess-unpacked"
fi
echo "$kdir"
