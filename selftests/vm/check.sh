#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: host unit tests, the KUnit suites on the debug test kernel, and
# the selftests on three kernels, each VM run judged from its serial logs.
#
#   check.sh [-k KERNEL]... [NAME...]
#
# KERNEL is one of
#   stock   Debian's current 6.1 kernel, the one a Debian 12 router runs
#   newer   Debian's newest other kernel (the 6.12 line of Debian 13)
#   debug   the test kernel: KASAN, UBSAN, lockdep, kmemleak, fault injection
# (default: all three). NAME is a selftest, or "kunit" for the KUnit suites;
# without NAME, everything selftests/TESTS lists for those kernels. TESTS
# pins what must run: a test that goes missing is a failure.
#
#   check.sh --shell         boot the stock kernel VM to a shell on this terminal
#   check.sh --demo          the demo selftest, its console on this terminal
#
# Ends with "N passed, N failed"; exits non-zero on any failure. The VM logs
# of a failed run are kept under $FLOWSESS_CACHE/logs.
set -euo pipefail
. "$(dirname "$0")/env.sh"
vm="$FLOWSESS_TOP/selftests/vm"
manifest="$FLOWSESS_TOP/selftests/TESTS"

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

# The summary line ends every run, even one that dies on the way (a die,
# or a command that fails under set -e): then with one failure more.
summary() {
	local rc=$?
	trap - EXIT
	[ $rc -eq 0 ] || [ "$summarised" = 1 ] || fail "make check stopped early (exit $rc)"
	echo "$passed passed, $failed failed"
	[ $failed -eq 0 ] && [ $rc -eq 0 ]
}
summarised=0
trap summary EXIT

run="$FLOWSESS_CACHE/run"
logs="$FLOWSESS_CACHE/logs"
# Nothing of an earlier run may be judged as this one's.
rm -rf "$run"
mkdir -p "$run/bin" "$logs"

# judge KIND LOG VERDICT-ARGS...: verdict of one VM run; keeps the logs on
# failure.
judge() {
	local kind=$1 log=$2 kept
	shift 2
	if "$vm/verdict.py" "$log" "$@" >"$run/verdict" 2>&1; then
		tally <"$run/verdict"
	else
		tally <"$run/verdict"
		grep -q '^RESULT ' "$run/verdict" || fail "$kind: the verdict on its log crashed"
		kept="$logs/$(date +%Y%m%d-%H%M%S)-$kind"
		cp "$log" "$kept.log"
		[ ! -f "$log.kernel" ] || cp "$log.kernel" "$kept.kernel.log"
		echo "# $kind failed; VM logs: $kept.log, $kept.kernel.log (last lines below)"
		tail -n 20 "$log" | sed 's/^/#   /'
		[ ! -f "$log.kernel" ] || tail -n 20 "$log.kernel" | sed 's/^/#   kernel: /'
	fi
}

# listed KIND [KERNEL]: the names selftests/TESTS lists of KIND (for KERNEL).
listed() {
	awk -v kind="$1" -v k="${2:-}" '$1 == kind && (k == "" || index(" " $0 " ", " " k " ")) { print $2 }' \
		"$manifest"
}

kernels=() names=() shell=0 demo=0
while [ $# -gt 0 ]; do
	case "$1" in
	--shell) shell=1 kernels=(stock) ;;
	--demo) demo=1 kernels=(stock) names=(demo) ;;
	-k) kernels+=("$2"); shift ;;
	*) names+=("$1") ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(stock debug newer)
for k in "${kernels[@]}"; do
	case "$k" in stock|debug|newer) ;; *) die "unknown kernel $k (stock, debug, newer)" ;; esac
done
run_kunit=0
if [ ${#names[@]} -eq 0 ]; then
	[[ " ${kernels[*]} " != *" debug "* ]] || run_kunit=1
else
	for t in "${names[@]}"; do
		[ "$t" != kunit ] || run_kunit=1
		[ "$t" = kunit ] || [ -f "$FLOWSESS_TOP/selftests/$t.sh" ] || die "no selftest $t"
	done
fi

if [ $shell -eq 0 ] && [ $demo -eq 0 ]; then
	# The manifest and the files agree.
	for t in "$FLOWSESS_TOP"/selftests/*.sh; do
		t=$(basename "$t" .sh)
		[ "$t" = lib ] || listed selftest | grep -qx "$t" ||
			fail "selftests/$t.sh is not listed in selftests/TESTS"
	done
	for t in $(listed selftest); do
		[ -f "$FLOWSESS_TOP/selftests/$t.sh" ] ||
			fail "selftests/TESTS lists $t, but selftests/$t.sh is missing"
	done
	for s in $(listed kunit); do
		grep -rqs "\.name = \"$s\"" "$FLOWSESS_TOP/kmod/tests/" ||
			fail "selftests/TESTS lists the KUnit suite $s, but kmod/tests/ has none"
	done

	say "host unit tests (tools/, make bench's report)"
	make -s -C "$FLOWSESS_TOP/tools" check >"$run/host.tap" 2>&1 ||
		fail "host unit tests exited with an error"
	"$FLOWSESS_TOP/selftests/vm/test_bench_report.py" >>"$run/host.tap" 2>&1 ||
		fail "the test of make bench's report exited with an error"
	tally <"$run/host.tap"
fi

say "building the module, the tool and the test helpers"
kver=$(debian_kver)
build_userland "$run/bin" || die "the tool or a test helper did not build"

# selftests KERNEL: the selftests of the run on KERNEL, in one VM.
selftests() {
	local kernel=$1 image kroot kv ko per_test debug=0 tests list boot_args= mods
	if [ ${#names[@]} -gt 0 ]; then
		tests=()
		for t in "${names[@]}"; do
			[ "$t" = kunit ] || ! listed selftest "$kernel" | grep -qx "$t" || tests+=("$t")
		done
	else
		mapfile -t tests < <(listed selftest "$kernel")
	fi
	[ ${#tests[@]} -gt 0 ] || return 0
	case "$kernel" in
	stock)
		kv=$kver
		kroot=$("$vm/stock-kernel.sh" "$kv") || { fail "no stock kernel $kv"; return 0; }
		image="$kroot/boot/vmlinuz-$kv" per_test=600
		ko=$(build_module "$run/stock-src" "/usr/src/linux-headers-$kv" 2>"$run/stock-build.err") &&
			[ ! -s "$run/stock-build.err" ] ||
			{ fail "the module does not build warning-free against $kv"; sed 's/^/#   /' "$run/stock-build.err"; return 0; }
		;;
	newer)
		kv=$(newer_kver) && kroot=$("$vm/stock-kernel.sh" "$kv") ||
			{ fail "no Debian 6.12 kernel to boot"; return 0; }
		image="$kroot/boot/vmlinuz-$kv" per_test=600
		if ko=$(build_module "$run/newer-src" "$("$vm/headers.sh" "$kv")" 2>"$run/newer-build.err") &&
			[ ! -s "$run/newer-build.err" ]; then
			echo "ok - compat: the module builds warning-free against $kv (kmod/compat.h)"
			passed=$((passed + 1))
		else
			fail "compat: the module does not build warning-free against $kv"
			sed 's/^/#   /' "$run/newer-build.err" | head -n 30
			return 0
		fi
		;;
	debug)
		kroot=$kbuild/modroot kv=$debug_kver
		image="$kbuild/arch/x86/boot/bzImage" per_test=1200 debug=1
		# make fuzz's million packets took 1 110 s to 1 200 s and more.
		[ -z "${FLOWSESS_FUZZ_PACKETS:-}" ] || per_test=2400
		# The faults selftest fails the session cache's allocations.
		boot_args="slub_debug=A,flowsess_session,flowsess_session_acct"
		ko=$(build_module "$run/debug-src" "$kbuild" 2>"$run/debug-build.err") &&
			[ ! -s "$run/debug-build.err" ] ||
			{ fail "the module does not build warning-free against the debug kernel"; sed 's/^/#   /' "$run/debug-build.err"; return 0; }
		;;
	esac
	# The dkms selftest loads what DKMS built for the stock kernel from
	# the Debian package, and runs the packaged tool.
	rm -f "$run/dkms.ko" "$run/bin/flowsess-deb"
	if [ "$kernel" = stock ] && [[ " ${tests[*]} " == *" dkms "* ]] && [ $shell -eq 0 ]; then
		say "make install, make uninstall and DKMS for $kv"
		"$vm/install-check.sh" "$kv" >"$run/install.tap"
		tally <"$run/install.tap"
		say "the Debian packages: build, install in a chroot (DKMS for $kv), purge"
		"$vm/package-check.sh" "$kv" "$run/dkms.ko" "$run/bin/flowsess-deb" >"$run/package.tap"
		tally <"$run/package.tap"
	fi
	# big_tcp counts packets with tc (the debug kernel has no u32);
	# failover's switch is a bridge (nor has it that).
	mods="veth sch_netem tcp_diag nf_tables nf_defrag_ipv4 nf_defrag_ipv6"
	[ "$kernel" = debug ] || mods="$mods sch_ingress cls_u32 act_gact bridge"
	FLOWSESS_DKMS_KO="$run/dkms.ko" "$vm/initramfs.sh" "$run/$kernel.cpio.gz" \
		"$kroot" "$kv" "$ko" "$mods" "$run"/bin/* /usr/sbin/nft /usr/sbin/keepalived ||
		{ fail "the $kernel kernel's initramfs did not build"; return 0; }
	if [ $shell -eq 1 ]; then
		exec "$vm/run.sh" "$image" "$run/$kernel.cpio.gz" - 0 "flowsess_mode=shell"
	fi
	list=$(IFS=,; echo "${tests[*]}")
	say "selftests on the $kernel kernel $kv: ${tests[*]}"
	if [ $demo -eq 1 ]; then
		say "booting the router VM (Debian's $kv under QEMU, about 20 s)"
		# The console as it comes, without the markers.
		: >"$run/$kernel.log"
		tail -n +1 -F "$run/$kernel.log" 2>/dev/null |
			awk '/^### flowsess-(kmemleak|done)/ { exit }
			     !/^###/ && !/^(ok|not ok|1\.\.)/ { print; fflush() }' &
		follow=$!
	fi
	"$vm/run.sh" "$image" "$run/$kernel.cpio.gz" "$run/$kernel.log" \
		$((120 + per_test * ${#tests[@]})) \
		"$boot_args flowsess_mode=selftests flowsess_tests=$list flowsess_timeout=$per_test flowsess_debug=$debug${FLOWSESS_FUZZ_PACKETS:+ flowsess_fuzz_packets=$FLOWSESS_FUZZ_PACKETS}" ||
		true
	if [ $demo -eq 1 ]; then
		sleep 1
		kill "$follow" 2>/dev/null || true
		pkill -f "tail -n +1 -F $run/$kernel.log" 2>/dev/null || true
		echo
	fi
	judge "$kernel" "$run/$kernel.log" "${tests[@]}"
}

if [ $run_kunit -eq 1 ] || [[ " ${kernels[*]} " == *" debug "* ]]; then
	if kbuild=$("$vm/test-kernel.sh"); then
		debug_kver=$(cat "$kbuild/.flowsess-kver")
	else
		fail "the debug kernel did not build: no KUnit, no selftests on it"
		run_kunit=0
		kernels=("${kernels[@]/debug}")
	fi
fi

if [ $run_kunit -eq 1 ]; then
	say "KUnit on the debug kernel"
	if ko=$(build_module "$run/kunit-src" "$kbuild" FLOWSESS_KUNIT=y 2>"$run/kunit-build.err") &&
		[ ! -s "$run/kunit-build.err" ]; then
		"$vm/initramfs.sh" "$run/kunit.cpio.gz" "$kbuild/modroot" "$debug_kver" \
			"$ko" "kunit veth nf_defrag_ipv4 nf_defrag_ipv6" "$run"/bin/*
		"$vm/run.sh" "$kbuild/arch/x86/boot/bzImage" "$run/kunit.cpio.gz" \
			"$run/kunit.log" 600 "flowsess_mode=kunit" || true
		suites=()
		for s in $(listed kunit); do
			suites+=(--suite "$s")
		done
		judge kunit "$run/kunit.log" "${suites[@]}" kunit
	else
		fail "kunit: the test build of the module failed or warned"
		sed 's/^/#   /' "$run/kunit-build.err" | head -n 30
	fi
fi

for k in stock newer debug; do
	[[ " ${kernels[*]} " != *" $k "* ]] || selftests "$k"
done

summarised=1
summary
