#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch (once, cached) a stock Debian kernel image, the kernel a Debian
# router runs, unpacked with dpkg -x; never installed on the host. KVER is
# Debian's current 6.1 kernel unless given (newer_kver in env.sh: 6.12).
# Prints the unpacked root on stdout: boot/vmlinuz-KVER, lib/modules/KVER.
#
#   stock-kernel.sh [KVER]
set -euo pipefail
. "$(dirname "$0")/env.sh"

kver=${1:-$(debian_kver)}
root="$FLOWSESS_CACHE/stock-$kver"
if [ ! -f "$root/.flowsess-unpacked" ]; then
	say "downloading linux-image-$kver"
	rm -rf "$root"
	mkdir -p "$root/deb"
	(cd "$root/deb" && apt-get download -q -o APT::Sandbox::User=root "linux-image-$kver" >&2) ||
		die "cannot download linux-image-$kver"
	dpkg -x "$root"/deb/*.deb "$root"
	depmod -b "$root" "$kver"
	rm -rf "$root/deb"
	touch "$root/.flowsess-unpacked"
fi
echo "$root"
