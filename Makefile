# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/flowsess.ko and tools/flowsess
# make demo       boot a router VM and show the SCENARIO, its fix and the counters
# make check      the whole test suite (host tests, KUnit and selftests in QEMU)
# make fuzz       packet_fuzz's million packets through the debug kernel (20 min)
# make bench      flowsess against no hook and nf_conntrack, in QEMU, in
#                 instructions (icount) and wall-clock time; writes
#                 docs/PERFORMANCE.md (T="forward sessions lookup wallclock":
#                 those parts only, report in ~/.cache/flowsess/bench)
# make install    the module (modules_install, depmod), the tool, its man
#                 page, bash completion and systemd units; PREFIX, DESTDIR
#                 (Debian packages: dpkg-buildpackage -us -uc -b, debian/)
# make uninstall  remove what make install put there
# make clean      remove everything the build made

# The running kernel's build tree if it has one, else Debian's 6.1 headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1))
# The release of the kernel KDIR builds for (its vermagic): where the module
# is installed.
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/flowsess
# modules_install puts the module in /lib/modules/KVER/$(MODDIR)/kmod/.
MODDIR ?= updates

all: module tools

module:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	$(MAKE) -C tools

# make check T="name ..." runs only those selftests ("kunit": the KUnit
# run); K="stock newer debug" only on those kernels.
check:
	selftests/vm/check.sh $(addprefix -k ,$(K)) $(T)

# The selftests and KUnit on the debug kernel (KASAN, UBSAN, lockdep,
# kmemleak) only.
check-debug:
	selftests/vm/check.sh -k debug $(T)

# make fuzz: packet_fuzz's million packets through the debug kernel (make
# check sends it 50 000, for time: about 20 minutes).
fuzz:
	FLOWSESS_FUZZ_PACKETS=1000000 selftests/vm/check.sh -k debug packet_fuzz

vm-shell:
	selftests/vm/check.sh --shell

bench:
	selftests/vm/bench.sh $(T)

demo:
	selftests/vm/check.sh --demo

install: install-module install-tools

# No signing here: a distribution kernel's key is not on the router (DKMS
# signs with the machine's own key where Secure Boot wants it).
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(MODDIR) CONFIG_MODULE_SIG_ALL= modules_install
	depmod -b "$(or $(DESTDIR),/)" $(KVER)

install-tools: tools
	install -D -m 0755 tools/flowsess $(DESTDIR)$(SBINDIR)/flowsess
	install -D -m 0644 tools/flowsess.8 $(DESTDIR)$(MANDIR)/man8/flowsess.8
	install -D -m 0644 tools/completion/flowsess $(DESTDIR)$(COMPLETIONDIR)/flowsess
	install -d $(DESTDIR)$(UNITDIR)
	sed 's,@SBINDIR@,$(SBINDIR),' dist/flowsess.service.in \
		>$(DESTDIR)$(UNITDIR)/flowsess.service
	sed 's,@SBINDIR@,$(SBINDIR),' dist/flowsess@.service.in \
		>$(DESTDIR)$(UNITDIR)/flowsess@.service
	sed 's,@SBINDIR@,$(SBINDIR),' dist/flowsess-prometheus.service.in \
		>$(DESTDIR)$(UNITDIR)/flowsess-prometheus.service
	install -m 0644 dist/flowsess-prometheus.timer $(DESTDIR)$(UNITDIR)/
	sed 's,@SBINDIR@,$(SBINDIR),' dist/flowsess-sync.service.in \
		>$(DESTDIR)$(UNITDIR)/flowsess-sync.service
	install -D -m 0644 dist/flowsess.conf $(DESTDIR)$(DOCDIR)/examples/flowsess.conf
	install -D -m 0644 dist/modules-load.d/flowsess.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/flowsess.conf
	install -D -m 0644 dist/modprobe.d/flowsess.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/flowsess.conf
	install -m 0644 dist/flowsess-sync.conf $(DESTDIR)$(DOCDIR)/examples/
	install -d $(DESTDIR)$(DOCDIR)/examples/keepalived
	sed 's,@SBINDIR@,$(SBINDIR),' dist/keepalived/keepalived.conf.in \
		>$(DESTDIR)$(DOCDIR)/examples/keepalived/keepalived.conf

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/$(MODDIR)/kmod/flowsess.ko
	if [ -d "$(DESTDIR)/lib/modules/$(KVER)" ]; then depmod -b "$(or $(DESTDIR),/)" $(KVER); fi
	rm -f $(DESTDIR)$(SBINDIR)/flowsess $(DESTDIR)$(MANDIR)/man8/flowsess.8 \
		$(DESTDIR)$(COMPLETIONDIR)/flowsess $(DESTDIR)$(UNITDIR)/flowsess.service \
		$(DESTDIR)$(UNITDIR)/flowsess@.service \
		$(DESTDIR)$(UNITDIR)/flowsess-prometheus.service \
		$(DESTDIR)$(UNITDIR)/flowsess-prometheus.timer \
		$(DESTDIR)$(UNITDIR)/flowsess-sync.service
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C tools clean

.PHONY: all module tools check check-debug fuzz vm-shell bench demo install install-module \
	install-tools uninstall clean
