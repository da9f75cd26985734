#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once, cached) the x86_64 test kernel from Debian's linux-source-6.1:
# tinyconfig + debug.config. KUnit runs on it as a module. The build directory
# is keyed by the config fragment, so a changed fragment gets a fresh build.
# Prints the build directory on stdout.
set -euo pipefail
. "$(dirname "$0")/env.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "$tarball is missing (apt-get install linux-source-6.1)"

src=$(linux_source_dir)
stamp=$(stat -c %Y "$tarball")
if [ ! -f "$src/.flowsess-unpacked-$stamp" ]; then
	say "unpacking linux-source-6.1 into $FLOWSESS_CACHE"
	rm -rf "$src"
	tar -C "$FLOWSESS_CACHE" -xJf "$tarball"
	touch "$src/.flowsess-unpacked-$stamp"
fi

fragment="$FLOWSESS_TOP/selftests/vm/debug.config"
key=$( (cat "$fragment"; echo "$stamp") | sha256sum | cut -c1-12)
out="$FLOWSESS_CACHE/kernel-debug-$key"

if [ ! -f "$out/.flowsess-built" ]; then
	say "building the test kernel in $out (cold: 5 to 8 minutes on 2 cores)"
	rm -rf "$out"
	mkdir -p "$out"
	make -s -C "$src" O="$out" tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" \
		>"$out/merge_config.log" 2>&1 || { cat "$out/merge_config.log" >&2; exit 1; }
	make -s -C "$src" O="$out" olddefconfig >&2
	# Refuse a config that silently dropped a requested option.
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=[ym]' "$fragment" | while read -r line; do
		grep -qx "$line" "$out/.config" || echo "$line"
	done)
	[ -z "$missing" ] || die "test kernel config lacks: $missing"
	# KASAN makes some frames large; the warnings are noise, keep them in a log.
	make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 ||
		{ tail -n 50 "$out/build.log" >&2; die "the test kernel did not build"; }
	touch "$out/.flowsess-built"
fi
# The modules (kunit.ko, veth.ko...) as a tree that modprobe and depmod know.
if [ ! -f "$out/.flowsess-kver" ]; then
	make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >&2
	make -s -C "$src" O="$out" kernelrelease >"$out/.flowsess-kver"
fi
echo "$out"
