#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one test VM under QEMU (TCG, no KVM needed) and wait for it to power
# off. slab_nomerge keeps the session cache apart in /proc/slabinfo.
#
#   run.sh KERNEL INITRAMFS LOG TIMEOUT_SECONDS "KERNEL ARGS"
#
# Two serial ports keep the tests' output and the kernel's apart: /init
# writes the tests' TAP to ttyS0 (LOG), the kernel prints every message, of
# every level, as it happens to its console on ttyS1 (LOG.kernel). Nothing
# the kernel reports waits for a dmesg at the end, none is lost to a wrapped
# ring without the console saying so, and no kernel line can cut a TAP line.
# With LOG "-" there is one port, the console, on this terminal
# (flowsess_mode=shell).
set -euo pipefail

kernel=$1 initrd=$2 log=$3 limit=$4 args=$5
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "${FLOWSESS_VM_CPUS:-2}"
      -m "${FLOWSESS_VM_MEM:-1024}" -kernel "$kernel" -initrd "$initrd"
      -display none -no-reboot -nic none)
# FLOWSESS_VM_ICOUNT=1: the guest's clock counts its instructions, one per
# nanosecond, and skips the time it is idle (make bench; one vCPU only:
# with two, icount did not get through the boot).
if [ "${FLOWSESS_VM_ICOUNT:-0}" = 1 ]; then
	[ "${FLOWSESS_VM_CPUS:-2}" = 1 ] || { echo "run.sh: icount needs FLOWSESS_VM_CPUS=1" >&2; exit 2; }
	qemu+=(-icount shift=0,sleep=off)
fi
boot="panic=-1 oops=panic slab_nomerge log_buf_len=4M"

if [ "$log" = - ]; then
	exec "${qemu[@]}" -append "console=ttyS0 $boot $args" -serial mon:stdio
fi
# A run is judged on its own logs only.
rm -f "$log" "$log.kernel"
rc=0
timeout --foreground -k 10 "$limit" "${qemu[@]}" \
	-append "console=ttyS1 ignore_loglevel $boot flowsess_tty=ttyS0 $args" \
	-serial "file:$log" -serial "file:$log.kernel" </dev/null || rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "### flowsess-timeout: the VM did not power off within $limit s" >>"$log"
fi
exit $rc
