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

# The ABI name of Debian's newest 6.12 kernel for this release (bookworm
# carries the 6.12 line that Debian 13 runs), e.g. 6.12.117+deb12-amd64. It
# moves with Debian's point releases.
newer_kver() {
	local v
	v=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
	    awk '{ print $1 }' | sort -V | tail -n 1)
	[ -n "$v" ] || die "no Debian 6.12 kernel found (apt-get update?)"
	echo "${v#linux-headers-}"
}

# The unpacked kernel tree used for the test kernel and for checkpatch.
linux_source_dir() {
	echo "$FLOWSESS_CACHE/linux-source-6.1"
}

# module_copy DIR: the module's sources, without build products, in DIR.
module_copy() {
	rm -rf "$1"
	mkdir -p "$1"
	cp -r "$FLOWSESS_TOP/kmod" "$FLOWSESS_TOP/Kbuild" "$1/"
	find "$1" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*' \
		-o -name '*.order' -o -name Module.symvers \) -delete
}

# build_module DIR KBUILD [MAKE ARGS]: build the module, with W=1, from a
# copy of kmod/ in DIR (so no objects land in the repository) against the
# kernel build tree KBUILD. Prints the .ko's path; the compiler's words go
# to stderr; fails if no module came out.
build_module() {
	local tree=$1 kbuild=$2
	shift 2
	module_copy "$tree"
	make -s -C "$kbuild" M="$tree" W=1 "$@" modules 2>&1 |
		grep -v -e 'Skipping BTF generation' -e 'BTF \[M\]' >&2
	[ -f "$tree/kmod/flowsess.ko" ] && echo "$tree/kmod/flowsess.ko"
}

# build_userland BINDIR: the flowsess tool and the static test helpers.
build_userland() {
	rm -f "$1"/*
	mkdir -p "$1"
	make -s -C "$FLOWSESS_TOP/tools" flowsess || return 1
	cp "$FLOWSESS_TOP/tools/flowsess" "$1/"
	for c in "$FLOWSESS_TOP"/selftests/helpers/*.c; do
		gcc -O2 -Wall -Wextra -static -o "$1/$(basename "$c" .c)" "$c" || return 1
	done
}

# host_check KIND DESCRIPTION COMMAND...: one TAP line of a host-side check
# (install-check.sh, package-check.sh), KIND its prefix; the command's
# output goes to $log, and a failure sets failed=1.
host_check() {
	local kind=$1 desc=$2
	shift 2
	if "$@" >>"$log" 2>&1; then
		echo "ok - $kind: $desc"
	else
		echo "not ok - $kind: $desc (log: $log)"
		failed=1
	fi
}
