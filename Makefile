# SPDX-License-Identifier: GPL-2.0
# scxdump: the kernel module (scxdump.ko, kbuild) and the decoder (scxdump).
#
#   make                  module + tool (KDIR= the kernel build directory)
#   make install          both; modules_install / tool-install apart
#   make check            every test (host, stock, debug and 6.12 guests, KUnit)
#   make check-host       the decoder's tests only: no guest, no root
#   make check-debug      the debug kernel and the kernel's sched_ext selftests
#   make check-lts        the integration suite on the 6.12 LTS kernel
#   make demo             a failing test scheduler in the guest, decoded
#   make guest            build (once) and cache the test guest
#   make deb              Debian packages scxdump and scxdump-dkms in build-deb/

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=

# kbuild reads ./Kbuild; this Makefile only drives it and the rest.
.PHONY: all module tool modules modules_install install tool-install clean \
	check check-host check-debug check-lts demo guest testscheds guest-all bench fuzz \
	kunit kunit-uml deb

all: module tool

module modules:
	@test -d "$(KDIR)" || { echo "error: no kernel build directory at $(KDIR); install linux-headers-$$(uname -r) or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

tool:
	$(MAKE) -C userspace

tool-install: tool
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

install: modules_install tool-install

# The packages from a copy of the sources (no objects of in-tree builds);
# dpkg-buildpackage names any missing build dependency.
DEB_OUT ?= build-deb
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || { echo "error: make deb needs dpkg-dev and debhelper: apt-get install dpkg-dev debhelper dh-dkms" >&2; exit 1; }
	rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT)/scxdump
	tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude=Module.symvers --exclude=modules.order \
		--exclude='userspace/build*' Kbuild Makefile dkms.conf README.md debian docs \
		include module userspace | tar -C $(DEB_OUT)/scxdump -xf -
	cd $(DEB_OUT)/scxdump && dpkg-buildpackage -us -uc -b
	@ls -l $(DEB_OUT)/*.deb

testscheds:
	$(MAKE) -C tests/sched KDIR=$(KDIR)

guest:
	tests/guest/mkroot.sh

# The module's KUnit suites as a module, kunit/build/scxdump_kunit.ko, for
# a kernel built with CONFIG_KUNIT (the debug kernel): kunit/files linked
# beside kunit/Kbuild. Loading it runs the suites (KTAP in the kernel log).
kunit:
	@grep -qx 'CONFIG_KUNIT=y' $(KDIR)/.config || { echo "error: $(KDIR) has no CONFIG_KUNIT=y: the KUnit module needs a kernel built with KUnit (make kunit-uml runs the suites on UML)" >&2; exit 1; }
	rm -rf kunit/build && mkdir -p kunit/build && ln -s ../Kbuild kunit/build/Kbuild
	grep -v '^#' kunit/files | while read -r f; do ln -s ../../$$f kunit/build/; done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kunit/build CONFIG_SCXDUMP_KUNIT_TEST=m modules

# The same suites on UML, without the test guest (kunit/run.sh).
kunit-uml:
	kunit/run.sh

# What the test guest needs, built inside its root (tests/guest/build.sh).
guest-all: module tool testscheds

check:
	tests/run-all.sh

check-host:
	tests/run-all.sh host

check-debug:
	tests/kernels/debug-suite.sh

check-lts:
	tests/kernels/lts-suite.sh

# Open-ended fuzzing of the decoder (FUZZ_SECONDS, default 600); make
# check runs a fixed-seed, fixed-length pass instead.
fuzz:
	tests/fuzz/run.sh explore

# Decoder throughput and peak RSS on a large dump (BENCH_MIB, default 1024).
bench:
	tests/bench/run.sh

demo:
	tests/demo.sh

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/sched clean
	$(MAKE) -C tests/unit clean
	rm -rf build-deb
	rm -rf kunit/build
	$(MAKE) -C tests/fuzz clean
