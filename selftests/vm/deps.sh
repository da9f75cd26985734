#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, from Debian's packages, whatever the build and the VM tests need
# and this machine lacks. Needs root only when something is missing.
set -euo pipefail
. "$(dirname "$0")/env.sh"

packages=(
	make gcc libc6-dev pkg-config libmnl-dev libssl-dev # module and tool
	linux-headers-amd64				# module build tree
	qemu-system-x86 qemu-system-data		# the VM
	busybox-static cpio kmod iproute2		# the initramfs
	nftables					# teardown.sh, pickup.sh
	keepalived					# failover.sh
	python3-yaml					# the netlink spec's check
	groff-base					# the man page's rendering check
	linux-source-6.1 bc flex bison libelf-dev libssl-dev python3 # test kernel
	xz-utils sparse					# unpacking, make C=2
	dkms debhelper dh-dkms dpkg-dev build-essential # the DKMS test, the Debian packages
	dwarves						# pahole: newer headers build BTF
)

# The package lists name the current Debian kernel; a fresh machine has none.
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq
fi
# The headers of exactly the kernel the selftests boot.
packages+=("linux-headers-$(debian_kver)")

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" -eq 0 ] ||
	die "missing packages: ${missing[*]}; run make check as root, or install them with apt-get"
say "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
