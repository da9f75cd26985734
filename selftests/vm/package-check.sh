#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages, on the host: dpkg-buildpackage builds flowsess-dkms
# and flowsess from a copy of the tree; they are installed into a chroot
# that is this Debian system under a throwaway overlay (so the host is left
# as it was), where DKMS must build the module for Debian's kernel KVER;
# then purged, and nothing of them may be left. Prints "ok - ..." lines; the
# module DKMS built is left at OUT_KO and the packaged tool at OUT_TOOL, for
# the dkms selftest to load and run in the VM.
#
#   package-check.sh KVER OUT_KO OUT_TOOL
set -uo pipefail
. "$(dirname "$0")/env.sh"
kver=$1 out_ko=$2 out_tool=$3
top=$FLOWSESS_TOP

failed=0
result() { host_check package "$@"; }	# result DESCRIPTION COMMAND...
log=$(mktemp /tmp/flowsess-package.XXXXXX)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$out_ko" "$out_tool"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
deb_version=$(sed -n '1s/^flowsess (\(.*\)) .*/\1/p' "$top/debian/changelog")
result "debian/changelog's version is dkms.conf's ($version)" test "$deb_version" = "$version"

# The tree as git has it (tracked and new files), without build products.
mkdir "$work/src"
(cd "$top" && git ls-files -co --exclude-standard) |
	(cd "$top" && cpio -pdm --quiet "$work/src")
build() { (cd "$work/src" && dpkg-buildpackage -us -uc -b); }
result "dpkg-buildpackage -us -uc -b" build
tool_deb=$work/flowsess_${version}_amd64.deb
dkms_deb=$work/flowsess-dkms_${version}_all.deb
result "... makes flowsess and flowsess-dkms" test -f "$tool_deb" -a -f "$dkms_deb"

# The chroot: / under an overlay whose upper layer is a tmpfs, in a mount
# namespace of its own, so that nothing outlives this script.
cat >"$work/chroot.sh" <<'EOF'
set -u
work=$1 kver=$2 version=$3
mount -t tmpfs tmpfs "$work/layer" || exit 1
mkdir -p "$work/layer/upper" "$work/layer/work" "$work/root"
mount -t overlay overlay \
	-o "lowerdir=/,upperdir=$work/layer/upper,workdir=$work/layer/work" "$work/root" || exit 1
for fs in proc sys dev; do mount --rbind "/$fs" "$work/root/$fs" || exit 1; done
mkdir -p "$work/root/tmp/debs"
cp "$work"/*.deb "$work/root/tmp/debs/"
in_root() { chroot "$work/root" "$@"; }
step() { echo "### $1"; shift; "$@"; echo "### rc $?"; }

step install in_root dpkg -i "/tmp/debs/flowsess_${version}_amd64.deb" \
	"/tmp/debs/flowsess-dkms_${version}_all.deb"
step status in_root dkms status "flowsess/$version" -k "$kver"
step files in_root dpkg -L flowsess flowsess-dkms
ko=$(find "$work/root/lib/modules/$kver/updates/dkms" -name 'flowsess.ko*' 2>/dev/null | head -n 1)
[ -n "$ko" ] && cp "$ko" "$work/dkms.ko"
cp "$work/root/usr/sbin/flowsess" "$work/flowsess-deb" 2>/dev/null
step purge in_root dpkg --purge flowsess flowsess-dkms
rm -rf "$work/root/tmp/debs"
# What the packages leave: any path of the upper layer that names them,
# but dpkg's own log.
echo "### left"
(cd "$work/layer/upper" && find . -path '*flowsess*' ! -path ./var/log/dpkg.log)
echo "### modules.dep"
grep -h flowsess "$work/root/lib/modules/$kver/modules.dep" 2>/dev/null
echo "### end"
EOF
# The overlay shows /'s own file system: /usr and /var must be on it.
one_fs() { [ "$(stat -c %d /)" = "$(stat -c %d /usr)" ] && [ "$(stat -c %d /)" = "$(stat -c %d /var)" ]; }
result "/usr and /var are on / (what the chroot's overlay shows)" one_fs
mkdir "$work/layer"
unshare -m bash "$work/chroot.sh" "$work" "$kver" "$version" >"$work/chroot.log" 2>&1
cat "$work/chroot.log" >>"$log"
# section NAME: the lines of the chroot's log under "### NAME".
section() { awk -v s="### $1" '$0 == s { on = 1; next } /^### / { on = 0 } on' "$work/chroot.log"; }
rc() { grep "^### rc" "$work/chroot.log" | sed -n "$1p" | awk "{ print \$3 }"; }

result "dpkg -i of both packages in a Debian chroot" test "$(rc 1)" = 0
result "... DKMS built and installed the module for $kver" \
	grep -q "^flowsess/$version, $kver, x86_64: installed" "$work/chroot.log"
has() {	# has PATH...: dpkg -L lists each
	local f
	for f in "$@"; do section files | grep -qx "$f" || { echo "missing $f"; return 1; }; done
}
result "... the tool, man page, completion, units and examples" has \
	/usr/sbin/flowsess /usr/share/man/man8/flowsess.8.gz \
	/usr/share/bash-completion/completions/flowsess \
	/lib/systemd/system/flowsess.service /lib/systemd/system/flowsess@.service \
	/lib/systemd/system/flowsess-prometheus.service \
	/lib/systemd/system/flowsess-prometheus.timer /lib/systemd/system/flowsess-sync.service \
	/usr/share/doc/flowsess/examples/flowsess.conf \
	/usr/share/doc/flowsess/examples/flowsess-sync.conf \
	/usr/share/doc/flowsess/examples/keepalived/keepalived.conf \
	"/usr/src/flowsess-$version/dkms.conf"
result "... the module is $kver's (vermagic)" \
	sh -c "modinfo -F vermagic '$work/dkms.ko' | grep -q '^$kver '"
result "dpkg --purge of both" test "$(rc 4)" = 0
# Only after an install that worked does an empty upper layer mean anything.
nothing_left() {
	[ "$(rc 1)" = 0 ] && [ -n "$(section files)" ] && [ "$(rc 4)" = 0 ] &&
	[ -z "$(section left)$(section modules.dep)" ]
}
result "... leaves nothing of them (files, DKMS tree, modules.dep)" nothing_left
[ -f "$work/dkms.ko" ] && cp "$work/dkms.ko" "$out_ko"
[ -f "$work/flowsess-deb" ] && cp "$work/flowsess-deb" "$out_tool"
result "the packaged module and tool, for the VM" test -f "$out_ko" -a -f "$out_tool"
[ $failed -eq 1 ] || rm -f "$log"
