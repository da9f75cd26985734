#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test VM's initramfs.
#
#   initramfs.sh OUT.cpio.gz KROOT KVER FLOWSESS_KO MODULES BIN...
#
# KROOT holds lib/modules/KVER of the kernel to boot; MODULES is a
# space-separated list of its modules to include with their dependencies
# ("modload NAME" in the VM loads one). FLOWSESS_KO goes to /lib/flowsess;
# each BIN (the flowsess tool, test helpers) goes to /bin with its libraries;
# $FLOWSESS_DKMS_KO, if set and present, to /lib/flowsess/dkms.ko.
set -euo pipefail
. "$(dirname "$0")/env.sh"

out=$1 kroot=$2 kver=$3 ko=$4 modules=$5
shift 5

stage=$(mktemp -d)
chmod 755 "$stage"	# the root directory of the VM: everyone may traverse it
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,etc,lib/flowsess/mods,opt/iproute2,selftests}

cp /bin/busybox "$stage/bin/busybox"
cp "$FLOWSESS_TOP/selftests/vm/init" "$stage/init"
cp "$FLOWSESS_TOP"/selftests/*.sh "$stage/selftests/"
# failover.sh runs keepalived with the configuration flowsess ships.
cp "$FLOWSESS_TOP/dist/keepalived/keepalived.conf.in" "$stage/selftests/"
cp -r "$FLOWSESS_TOP/selftests/bench" "$stage/selftests/"
cp "$ko" "$stage/lib/flowsess/flowsess.ko"
# The module DKMS built, for the dkms selftest, when there is one.
if [ -f "${FLOWSESS_DKMS_KO:-}" ]; then
	cp "$FLOWSESS_DKMS_KO" "$stage/lib/flowsess/dkms.ko"
fi
# install_bin FILE DIR: a program and the shared libraries it needs.
install_bin() {
	cp "$1" "$stage/$2/"
	{ ldd "$1" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | while read -r lib; do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
for b in "$@"; do
	install_bin "$b" bin
done
# iproute2's ip and tc. Busybox prefers its own applets, so they live apart
# and selftests/lib.sh calls them by full path.
install_bin /usr/bin/ip opt/iproute2
install_bin /usr/sbin/tc opt/iproute2
install_bin /usr/bin/ss opt/iproute2
install_bin /usr/bin/lnstat opt/iproute2
mkdir -p "$stage/etc/iproute2" "$stage/var/run/netns"

for m in $modules; do
	modprobe --show-depends -d "$kroot" -S "$kver" "$m" |
		sed -n 's/^insmod \([^ ]*\).*/\1/p' >"$stage/lib/flowsess/mods/$m.list"
	[ -s "$stage/lib/flowsess/mods/$m.list" ] || die "no module $m for $kver"
	# Newer kernels ship modules compressed (.ko.xz); busybox's insmod
	# takes them plain.
	while read -r path; do
		dest=$stage${path#"$kroot"}
		mkdir -p "$(dirname "$dest")"
		case "$path" in
		*.ko.xz) xz -dc "$path" >"${dest%.xz}" ;;
		*) cp "$path" "$dest" ;;
		esac
	done <"$stage/lib/flowsess/mods/$m.list"
	sed -i -e "s,^$kroot,," -e 's,\.ko\.xz$,.ko,' "$stage/lib/flowsess/mods/$m.list"
done
cat >"$stage/bin/modload" <<'SCRIPT'
#!/bin/sh
# modload NAME: load a kernel module and its dependencies, in order.
list=/lib/flowsess/mods/$1.list
[ -f "$list" ] || { echo "modload: $1 is not in this initramfs" >&2; exit 1; }
while read -r ko; do
	name=$(basename "$ko" .ko | tr - _)
	grep -q "^$name " /proc/modules || insmod "$ko" || exit 1
done <"$list"
SCRIPT
chmod +x "$stage/bin/modload" "$stage/init"

(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
