#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench [T="PART..."]: flowsess side by side with no hook and with
# nf_conntrack, on the selftests' topology, in Debian's stock kernel under
# QEMU. Parts:
#   forward, sessions, lookup   one VM in icount mode (one vCPU whose clock
#                               counts instructions): selftests/bench/icount.sh
#   wallclock                   one VM with 2 vCPUs, real time:
#                               selftests/bench/wallclock.sh
# With every part (no T), the report goes to docs/PERFORMANCE.md; with T,
# to $FLOWSESS_CACHE/bench/PERFORMANCE.md. Both are printed.
set -euo pipefail
. "$(dirname "$0")/env.sh"
vm="$FLOWSESS_TOP/selftests/vm"

parts=${*:-forward sessions lookup wallclock}
icount_parts=
wallclock=0
for p in $parts; do
	case $p in
	forward|sessions|lookup) icount_parts="$icount_parts${icount_parts:+,}$p" ;;
	wallclock) wallclock=1 ;;
	*) die "no part $p of make bench (forward, sessions, lookup, wallclock)" ;;
	esac
done

"$vm/deps.sh"
missing=()
for p in iperf3 nftables; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]}; run make bench as root"
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

run="$FLOWSESS_CACHE/bench"
mkdir -p "$run" "$FLOWSESS_CACHE/logs"
rm -f "$run"/*.log "$run"/*.log.kernel
kver=$(debian_kver)
kroot=$("$vm/stock-kernel.sh")

say "building the module (bench build: /sys/kernel/debug/flowsess/chains), the tool and the helpers"
ko=$(build_module "$run/src" "/usr/src/linux-headers-$kver" FLOWSESS_BENCH=y) ||
	die "the module did not build"
build_userland "$run/bin" || die "the tool or a test helper did not build"
"$vm/initramfs.sh" "$run/bench.cpio.gz" "$kroot" "$kver" "$ko" \
	"veth nft_ct nf_tables pktgen dummy nf_defrag_ipv4 nf_defrag_ipv6" "$run"/bin/* \
	/usr/bin/iperf3 /usr/sbin/nft

reps=${REPS:-3}
logs=()
# vm NAME CPUS MEMORY ICOUNT TIMEOUT ARGS: one benchmark VM, judged like a
# selftest VM (any kernel report fails it).
vm() {
	local log="$run/$1.log"
	say "the $1 VM: $reps runs of each figure"
	FLOWSESS_VM_CPUS=$2 FLOWSESS_VM_MEM=$3 FLOWSESS_VM_ICOUNT=$4 "$vm/run.sh" \
		"$kroot/boot/vmlinuz-$kver" "$run/bench.cpio.gz" "$log" "$5" \
		"flowsess_mode=bench flowsess_reps=$reps $6" || true
	if ! "$vm/verdict.py" "$log" bench >"$run/verdict-$1"; then
		cat "$run/verdict-$1"
		local kept
		kept="$FLOWSESS_CACHE/logs/bench-$1-$(date +%Y%m%d-%H%M%S).log"
		[ ! -f "$log" ] || cp "$log" "$kept"
		[ ! -f "$log.kernel" ] || cp "$log.kernel" "$kept.kernel"
		die "the $1 benchmark VM failed; its logs are kept in $FLOWSESS_CACHE/logs"
	fi
	logs+=("$log")
}
if [ -n "$icount_parts" ]; then
	vm icount 1 4096 1 1500 "flowsess_bench=icount flowsess_parts=$icount_parts"
fi
if [ $wallclock = 1 ]; then
	vm wallclock 2 2048 0 420 "flowsess_bench=wallclock"
fi

out="$FLOWSESS_TOP/docs/PERFORMANCE.md"
[ $# -eq 0 ] || out="$run/PERFORMANCE.md"
"$vm/bench-report.py" --kernel "$kver" --out "$out" "${logs[@]}"
say "the report: $out"
