# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/flowsess.ko and tools/flowsess
# make demo       boot a router VM and show the SCENARIO, its fix and the counters
# make check      the whole test suite (host tests, KUnit and selftests in QEMU)
# make clean      remove everything the build made

KVER ?= $(shell uname -r)
# The running kernel's build tree if it has one, else Debian's 6.1 headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
	$(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1))

all: module tools

module:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	$(MAKE) -C tools

# make check T="name ..." runs only those selftests ("kunit": the KUnit run).
check:
	selftests/vm/check.sh $(T)

# The selftests and KUnit on the debug kernel (KASAN, lockdep, kmemleak).
check-debug:
	selftests/vm/check.sh --debug $(T)

vm-shell:
	selftests/vm/check.sh --shell

demo:
	selftests/vm/check.sh --demo

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C tools clean

.PHONY: all module tools check check-debug vm-shell demo clean
