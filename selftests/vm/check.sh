#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: host unit tests, the KUnit suites on the test kernel, and the
# selftests on Debian's stock kernel, each VM run judged from its serial log.
#
#   check.sh                 everything
#   check.sh NAME...         only these selftests (NAME "kunit": the KUnit run)
#   check.sh --shell         boot the selftest VM to a shell on this terminal
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

run="$FLOWSESS_CACHE/run"
logs="$FLOWSESS_CACHE/logs"
mkdir -p "$run/bin" "$logs"

# judge KIND LOG TEST...: verdict of one VM run; keeps the log on failure.
judge() {
	local kind=$1 log=$2
	shift 2
	if "$vm/verdict.py" "$log" "$@" >"$run/verdict"; then
		tally <"$run/verdict"
	else
		tally <"$run/verdict"
		local kept
		kept="$logs/$(date +%Y%m%d-%H%M%S)-$kind.log"
		cp "$log" "$kept"
		echo "# $kind failed; full VM log: $kept (last lines below)"
		tail -n 40 "$log" | sed 's/^/#   /'
	fi
}

selftests=()
run_kunit=1
shell=0
if [ "${1:-}" = --shell ]; then
	shell=1 run_kunit=0
	shift
elif [ $# -gt 0 ]; then
	run_kunit=0
	for t in "$@"; do
		if [ "$t" = kunit ]; then run_kunit=1; else selftests+=("$t"); fi
	done
	[ ${#selftests[@]} -gt 0 ] || selftests=(none)
fi

say "host unit tests (tools/)"
if ! make -s -C "$FLOWSESS_TOP/tools" check >"$run/host.tap" 2>&1; then
	echo "not ok - host unit tests exited with an error"
	failed=$((failed + 1))
fi
tally <"$run/host.tap"

say "building the module, the tool and the test helpers"
kver=$(debian_kver)
make -s -C "$FLOWSESS_TOP" module KDIR="/usr/src/linux-headers-$kver" 2>&1 |
	grep -v -e 'Skipping BTF generation' -e 'BTF \[M\]' >&2 || true
[ -f "$FLOWSESS_TOP/kmod/flowsess.ko" ] || die "the module did not build"
rm -f "$run"/bin/*
make -s -C "$FLOWSESS_TOP/tools" flowsess
cp "$FLOWSESS_TOP/tools/flowsess" "$run/bin/flowsess"
for c in "$FLOWSESS_TOP"/selftests/helpers/*.c; do
	[ -f "$c" ] || continue
	gcc -O2 -Wall -Wextra -static -I"$FLOWSESS_TOP/kmod" -o "$run/bin/$(basename "$c" .c)" "$c"
done

if [ $run_kunit -eq 1 ]; then
	say "KUnit on the test kernel"
	kbuild=$("$vm/test-kernel.sh")
	kroot="$kbuild/modroot"
	ktree="$run/kunit-src"
	rm -rf "$ktree"
	mkdir -p "$ktree"
	cp -r "$FLOWSESS_TOP/kmod" "$FLOWSESS_TOP/Kbuild" "$ktree/"
	if ! make -s -C "$kbuild" M="$ktree" W=1 FLOWSESS_KUNIT=y modules >&2; then
		echo "not ok - kunit: the test build of the module failed"
		failed=$((failed + 1))
	else
		"$vm/initramfs.sh" "$run/kunit.cpio.gz" "$kroot" \
			"$(cat "$kbuild/.flowsess-kver")" "$ktree/kmod/flowsess.ko" \
			"kunit veth" "$run"/bin/*
		"$vm/run.sh" "$kbuild/arch/x86/boot/bzImage" "$run/kunit.cpio.gz" \
			"$run/kunit.log" 600 "flowsess_mode=kunit" || true
		judge kunit "$run/kunit.log" kunit
	fi
fi

if [ "${selftests[*]:-}" != none ]; then
	say "selftests on Debian's stock kernel $kver"
	stock=$("$vm/stock-kernel.sh")
	"$vm/initramfs.sh" "$run/selftests.cpio.gz" "$stock" "$kver" \
		"$FLOWSESS_TOP/kmod/flowsess.ko" "veth" "$run"/bin/*
	if [ $shell -eq 1 ]; then
		exec "$vm/run.sh" "$stock/boot/vmlinuz-$kver" "$run/selftests.cpio.gz" \
			- 0 "flowsess_mode=shell"
	fi
	if [ ${#selftests[@]} -eq 0 ]; then
		for t in "$FLOWSESS_TOP"/selftests/*.sh; do
			[ "$(basename "$t")" = lib.sh ] || selftests+=("$(basename "$t" .sh)")
		done
	fi
	list=$(IFS=,; echo "${selftests[*]}")
	"$vm/run.sh" "$stock/boot/vmlinuz-$kver" "$run/selftests.cpio.gz" \
		"$run/selftests.log" $((120 + 300 * ${#selftests[@]})) \
		"flowsess_mode=selftests flowsess_tests=$list" || true
	judge selftests "$run/selftests.log" "${selftests[@]}"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
