#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: host unit tests, the KUnit suites on the test kernel, and the
# selftests on Debian's stock kernel, each VM run judged from its serial log.
#
#   check.sh                 everything
#   check.sh NAME...         only these selftests (NAME "kunit": the KUnit run)
#   check.sh --debug [NAME...]  the selftests on the debug test kernel
#                            (KASAN, lockdep, kmemleak), and KUnit
#   check.sh --shell         boot the selftest VM to a shell on this terminal
#   check.sh --demo          the demo selftest, its console on this terminal
#
# Ends with "N passed, N failed"; exits non-zero on any failure. The VM log
# of a failed run is kept under $FLOWSESS_CACHE/logs.
set -euo pipefail
. "$(dirname "$0")/env.sh"
vm="$FLOWSESS_TOP/selftests/vm"

"$vm/deps.sh"

passed=0 failed=0
# tally < TAP-ish lines: count and echo "ok"/"not ok" results.
tally() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"not ok"*) failed=$((failed + 1)); echo "$line" ;;
		ok*) passed=$((passed + 1)); echo "$line" ;;
		RESULT*|1..*) ;;
		*) echo "$line" ;;
		esac
	done
}

fail() {
	echo "not ok - $*"
	failed=$((failed + 1))
}

run="$FLOWSESS_CACHE/run"
logs="$FLOWSESS_CACHE/logs"
mkdir -p "$run/bin" "$logs"

# judge KIND LOG TEST...: verdict of one VM run; keeps the log on failure.
judge() {
	local kind=$1 log=$2 kept
	shift 2
	if "$vm/verdict.py" "$log" "$@" >"$run/verdict"; then
		tally <"$run/verdict"
	else
		tally <"$run/verdict"
		kept="$logs/$(date +%Y%m%d-%H%M%S)-$kind.log"
		cp "$log" "$kept"
		echo "# $kind failed; full VM log: $kept (last lines below)"
		tail -n 40 "$log" | sed 's/^/#   /'
	fi
}

selftests=()
run_kunit=1 run_selftests=1 shell=0 debug=0 demo=0
case "${1:-}" in
--shell) shell=1 run_kunit=0; shift ;;
--debug) debug=1; shift ;;
--demo) demo=1; set -- demo ;;
esac
if [ $shell -eq 0 ] && [ $# -gt 0 ]; then
	run_kunit=$debug run_selftests=0
	for t in "$@"; do
		if [ "$t" = kunit ]; then run_kunit=1; else selftests+=("$t") run_selftests=1; fi
	done
fi
if [ ${#selftests[@]} -eq 0 ]; then
	for t in "$FLOWSESS_TOP"/selftests/*.sh; do
		[ "$(basename "$t")" = lib.sh ] || selftests+=("$(basename "$t" .sh)")
	done
fi

if [ $demo -eq 0 ]; then
	say "host unit tests (tools/)"
	make -s -C "$FLOWSESS_TOP/tools" check >"$run/host.tap" 2>&1 ||
		fail "host unit tests exited with an error"
	tally <"$run/host.tap"
	say "building the module against a newer Debian kernel (kmod/compat.h)"
	"$vm/compat-build.sh" >"$run/compat.tap"
	tally <"$run/compat.tap"
fi

say "building the module, the tool and the test helpers"
kver=$(debian_kver)
make -s -C "$FLOWSESS_TOP" module KDIR="/usr/src/linux-headers-$kver" 2>&1 |
	grep -v -e 'Skipping BTF generation' -e 'BTF \[M\]' >&2 || true
[ -f "$FLOWSESS_TOP/kmod/flowsess.ko" ] || die "the module did not build"
build_userland "$run/bin" || die "the tool or a test helper did not build"

# The dkms selftest loads a module DKMS built for Debian's kernel: the
# stock kernel only.
if [ $debug -eq 1 ]; then
	for i in "${!selftests[@]}"; do
		[ "${selftests[$i]}" != dkms ] || unset 'selftests[i]'
	done
	selftests=("${selftests[@]}")
fi
rm -f "$run/dkms.ko"
if [ $debug -eq 0 ] && [[ " ${selftests[*]} " == *" dkms "* ]] && [ $run_selftests -eq 1 ]; then
	say "make install, make uninstall and DKMS for $kver"
	"$vm/install-check.sh" "$kver" "$run/dkms.ko" >"$run/install.tap"
	tally <"$run/install.tap"
fi

if [ $run_kunit -eq 1 ] || [ $debug -eq 1 ]; then
	kbuild=$("$vm/test-kernel.sh")
	debug_kver=$(cat "$kbuild/.flowsess-kver")
fi

if [ $run_kunit -eq 1 ]; then
	say "KUnit on the test kernel"
	if ko=$(build_module "$run/kunit-src" "$kbuild" FLOWSESS_KUNIT=y); then
		"$vm/initramfs.sh" "$run/kunit.cpio.gz" "$kbuild/modroot" "$debug_kver" \
			"$ko" "kunit veth" "$run"/bin/*
		"$vm/run.sh" "$kbuild/arch/x86/boot/bzImage" "$run/kunit.cpio.gz" \
			"$run/kunit.log" 600 "flowsess_mode=kunit" || true
		judge kunit "$run/kunit.log" kunit
	else
		fail "kunit: the test build of the module failed"
	fi
fi

if [ $run_selftests -eq 1 ]; then
	if [ $debug -eq 1 ]; then
		say "selftests on the debug test kernel $debug_kver"
		image="$kbuild/arch/x86/boot/bzImage" kroot="$kbuild/modroot"
		ko=$(build_module "$run/debug-src" "$kbuild") ||
			die "the module did not build for the debug kernel"
		initrd_kver=$debug_kver per_test=1800
	else
		say "selftests on Debian's stock kernel $kver"
		kroot=$("$vm/stock-kernel.sh")
		image="$kroot/boot/vmlinuz-$kver" ko="$FLOWSESS_TOP/kmod/flowsess.ko"
		initrd_kver=$kver per_test=600
	fi
	FLOWSESS_DKMS_KO="$run/dkms.ko" "$vm/initramfs.sh" "$run/selftests.cpio.gz" \
		"$kroot" "$initrd_kver" "$ko" "veth sch_netem" "$run"/bin/*
	if [ $shell -eq 1 ]; then
		exec "$vm/run.sh" "$image" "$run/selftests.cpio.gz" - 0 "flowsess_mode=shell"
	fi
	list=$(IFS=,; echo "${selftests[*]}")
	if [ $demo -eq 1 ]; then
		say "booting the router VM (Debian's $kver under QEMU, about 20 s)"
		# The console as it comes, without the markers and the kernel log.
		: >"$run/selftests.log"
		tail -n +1 -F "$run/selftests.log" 2>/dev/null |
			awk '/^### flowsess-(kmemleak|dmesg)/ { exit }
			     !/^###/ && !/^\[ *[0-9]+\.[0-9]+\]/ && !/^(ok|not ok|1\.\.)/ { print; fflush() }' &
		follow=$!
	fi
	"$vm/run.sh" "$image" "$run/selftests.cpio.gz" "$run/selftests.log" \
		$((120 + per_test * ${#selftests[@]})) \
		"flowsess_mode=selftests flowsess_tests=$list flowsess_timeout=$per_test flowsess_debug=$debug" ||
		true
	if [ $demo -eq 1 ]; then
		sleep 1
		kill "$follow" 2>/dev/null || true
		pkill -f "tail -n +1 -F $run/selftests.log" 2>/dev/null || true
		echo
	fi
	judge selftests "$run/selftests.log" "${selftests[@]}"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
