#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: flowsess side by side with no hook and with nf_conntrack, in
# the same VM (Debian's stock kernel under QEMU), on the selftests'
# topology. One VM with 2 vCPUs runs everything (and a perf profile of
# each configuration), one with 1 vCPU the network measurements again
# (scaling). Prints a markdown table and writes
# it to docs/PERFORMANCE.md.
set -euo pipefail
. "$(dirname "$0")/env.sh"
vm="$FLOWSESS_TOP/selftests/vm"

"$vm/deps.sh"
missing=()
for p in iperf3 nftables linux-perf; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]}; run make bench as root"
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

run="$FLOWSESS_CACHE/bench"
mkdir -p "$run"
kver=$(debian_kver)
kroot=$("$vm/stock-kernel.sh")

say "building the module (with the table benchmark), the tool and the helpers"
ko=$(build_module "$run/src" "/usr/src/linux-headers-$kver" FLOWSESS_BENCH=y) ||
	die "the module did not build"
build_userland "$run/bin" || die "the tool or a test helper did not build"
"$vm/initramfs.sh" "$run/bench.cpio.gz" "$kroot" "$kver" "$ko" \
	"veth nft_ct nf_tables" "$run"/bin/* /usr/bin/iperf3 /usr/sbin/nft /usr/bin/perf

reps=${REPS:-5}
logs=()
for cpus in 2 1; do
	table=0
	[ "$cpus" = 2 ] && table=1
	say "the VM with $cpus vCPU(s): $reps runs of each measurement per configuration"
	FLOWSESS_VM_CPUS=$cpus FLOWSESS_VM_MEM=2048 "$vm/run.sh" \
		"$kroot/boot/vmlinuz-$kver" "$run/bench.cpio.gz" "$run/bench-$cpus.log" 3600 \
		"flowsess_mode=bench flowsess_reps=$reps flowsess_table=$table flowsess_profile=$table" || true
	if ! "$vm/verdict.py" "$run/bench-$cpus.log" bench >"$run/verdict-$cpus"; then
		cat "$run/verdict-$cpus"
		cp "$run/bench-$cpus.log" "$FLOWSESS_CACHE/logs/bench-$cpus-$(date +%Y%m%d-%H%M%S).log"
		die "the benchmark VM with $cpus vCPU(s) failed; log kept in $FLOWSESS_CACHE/logs"
	fi
	logs+=("$run/bench-$cpus.log")
done

"$vm/bench-report.py" --kernel "$kver" --reps "$reps" \
	--out "$FLOWSESS_TOP/docs/PERFORMANCE.md" "${logs[@]}"
