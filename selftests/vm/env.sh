# SPDX-License-Identifier: GPL-2.0
# Sourced by the VM harness scripts: where things are cached, which Debian
# kernel is current. Nothing here is hard-coded to a Debian point release.

FLOWSESS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FLOWSESS_CACHE=${FLOWSESS_CACHE:-$HOME/.cache/flowsess}
mkdir -p "$FLOWSESS_CACHE"

die() { echo "flowsess: $*" >&2; exit 1; }
say() { echo ">> $*" >&2; }

# The ABI name of Debian's current 6.1 kernel, e.g. 6.1.0-56-amd64.
debian_kver() {
	local dep
	dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
	      sed -n 's/^ *Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
	      head -n 1)
	[ -n "$dep" ] || dep=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null |
			       sed 's,.*/linux-headers-,,' | sort -V | tail -n 1)
	[ -n "$dep" ] || die "cannot tell the Debian 6.1 kernel version (apt-get update?)"
	echo "$dep"
}

# The unpacked kernel tree used for the test kernel and for checkpatch.
linux_source_dir() {
	echo "$FLOWSESS_CACHE/linux-source-6.1"
}
