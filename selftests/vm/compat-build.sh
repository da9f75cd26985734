#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module must also build on newer kernels (kmod/compat.h): build it,
# with W=1, against the headers of the newest kernel Debian ships besides
# 6.1 (bookworm carries 6.12), unpacked with dpkg -x and cached, never
# installed (the headers package would pull in that kernel's image).
# Prints one "ok - ..." or "not ok - ..." line.
set -uo pipefail
. "$(dirname "$0")/env.sh"

pkg=$(apt-cache search --names-only '^linux-headers-6\.[0-9]+\.[0-9]+\+deb12-amd64$' 2>/dev/null |
      awk '{ print $1 }' | grep -v '^linux-headers-6\.1\.' | sort -V | tail -n 1)
if [ -z "$pkg" ]; then
	echo "not ok - compat: no newer Debian kernel headers found (apt-get update?)"
	exit 0
fi
kver=${pkg#linux-headers-}
v=${kver%-amd64}
root="$FLOWSESS_CACHE/headers-$kver"
kdir="$root/usr/src/linux-headers-$kver"
if [ ! -f "$root/.flowsess-unpacked" ]; then
	rm -rf "$root"
	mkdir -p "$root/deb"
	(cd "$root/deb" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-headers-$kver" "linux-headers-$v-common" "linux-kbuild-$v" >/dev/null 2>&1)
	for d in "$root"/deb/*.deb; do
		dpkg -x "$d" "$root"
	done
	rm -rf "$root/deb"
	# Its Makefile includes the common part by absolute path.
	sed -i "s,^include /usr/src/,include $root/usr/src/," "$kdir/Makefile"
	[ -f "$kdir/Makefile" ] && touch "$root/.flowsess-unpacked"
fi

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
out=$(build_module "$tree" "$kdir" 2>&1 >/dev/null)
if [ -f "$tree/kmod/flowsess.ko" ] && [ -z "$out" ]; then
	echo "ok - compat: the module builds warning-free against $kver"
else
	echo "not ok - compat: the module does not build cleanly against $kver"
	echo "$out" | head -n 30 | sed 's/^/#   /'
fi
