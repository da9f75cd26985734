#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one test VM under QEMU (TCG, no KVM needed) and wait for it to power
# off. The serial console goes to LOG; with LOG "-" the console is this
# terminal (for flowsess_mode=shell). slab_nomerge keeps the session cache
# apart in /proc/slabinfo.
#
#   run.sh KERNEL INITRAMFS LOG TIMEOUT_SECONDS "KERNEL ARGS"
set -euo pipefail

kernel=$1 initrd=$2 log=$3 limit=$4 args=$5
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "${FLOWSESS_VM_CPUS:-2}"
      -m "${FLOWSESS_VM_MEM:-1024}" -kernel "$kernel" -initrd "$initrd"
      -append "console=ttyS0 panic=-1 oops=panic quiet slab_nomerge $args"
      -display none -no-reboot -nic none)

if [ "$log" = - ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi
rc=0
timeout --foreground -k 10 "$limit" "${qemu[@]}" -serial "file:$log" </dev/null || rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "### flowsess-timeout: the VM did not power off within $limit s" >>"$log"
fi
exit $rc
