# SPDX-License-Identifier: GPL-2.0
#
# make            build ./pvspin and the test programs (release variant)
# make test       build every variant (release, asan, tsan) and run the tests
# make bench      a small overcommit comparison with ./pvspin
# make kernel     Linux with the lock (KERNEL_VARIANT=pv|nopv|qspin|all, or distro:
#                 Debian's own configuration, vmlinux and two modules;
#                 KERNEL_VERSION=6.1|6.12)
# make patches    the kernel patch series for 6.1 and 6.12 (build/patches/),
#                 applied with git am and checked with checkpatch --strict
# make patches-bisect   the same, and each patch built and booted in turn
# make guest-test the kernel booted under QEMU TCG and Xen (part of make test)
# make guest-test-long   the same, longer, with every kernel variant
# make vm-bench   overcommitted guests: PV on/off, no PV, stock qspinlock
# make clean
#
# VARIANT=release|asan|tsan|faults selects the build directory build/$(VARIANT).

VARIANT ?= release
O := build/$(VARIANT)

CC ?= cc
LD ?= ld
OBJCOPY ?= objcopy

WARN := -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers
CFLAGS_release := -O2 -g
CFLAGS_asan := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
CFLAGS_tsan := -O1 -g -fsanitize=thread
# Every VM with injected faults (tools/pvspin/vm.c: pvspin_faults()).
CFLAGS_faults := -O2 -g -DPVSPIN_FAULTS
SANFLAGS_asan := -fsanitize=address,undefined
SANFLAGS_tsan := -fsanitize=thread

CFLAGS_VAR := $(CFLAGS_$(VARIANT))
LDFLAGS_VAR := $(SANFLAGS_$(VARIANT))

# Shim first: it supplies the kernel headers the guest code includes.
INCLUDES := -Itools/arch/x86/include -Itools/include -Iarch/x86/include -Iinclude \
	-Itools/arch/x86/xen
BASE_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS_VAR) $(INCLUDES) \
	-MMD -MP

# Guest images: name -> configuration.
IMAGE_FLAGS_native := -DCONFIG_NR_CPUS=64
IMAGE_FLAGS_pv := -DCONFIG_NR_CPUS=64 -DCONFIG_PARAVIRT -DCONFIG_PARAVIRT_SPINLOCKS \
	-DCONFIG_LOCK_EVENT_COUNTS
IMAGE_FLAGS_pv16 := -DCONFIG_NR_CPUS=256 -DCONFIG_PARAVIRT -DCONFIG_PARAVIRT_SPINLOCKS \
	-DCONFIG_LOCK_EVENT_COUNTS
IMAGES := native pv pv16
PV_GUEST_SRCS := arch/x86/kernel/paravirt-spinlocks.c \
	arch/x86/kernel/kvm_spinlock.c arch/x86/xen/spinlock.c tools/lib/paravirt.c
IMAGE_SRCS_native := tools/pvspin/guest_image.c arch/x86/kernel/paravirt-spinlocks.c
IMAGE_SRCS_pv := tools/pvspin/guest_image.c $(PV_GUEST_SRCS)
IMAGE_SRCS_pv16 := $(IMAGE_SRCS_pv)

HOST_SRCS := arch/x86/kvm/kvm.c arch/x86/kvm/x86.c arch/x86/kvm/xen.c \
	arch/x86/kvm/kvmclock.c
SHIM_SRCS := tools/lib/shim.c tools/lib/xen_events.c
LIB_SRCS := $(SHIM_SRCS) tools/pvspin/vm.c tools/pvspin/images.c \
	tools/pvspin/bench.c tools/pvspin/fastpath_report.c tools/pvspin/cli.c

# `make` alone builds `all`, whatever an included fragment defines first.
.DEFAULT_GOAL := all

# pvclock (guest readers, host writers, `pvspin clock`): its own fragment
# adds PVCLOCK_SRCS (linked into every program) and PVCLOCK_PROGS.
-include tools/pvspin/pvclock.mk

lib_objs := $(patsubst %.c,$(O)/%.o,$(HOST_SRCS) $(LIB_SRCS) $(PVCLOCK_SRCS)) \
	$(foreach i,$(IMAGES),$(O)/image-$(i).o)

PROGS := $(O)/pvspin $(O)/pvspin_test $(O)/fastpath-native $(O)/fastpath-pv \
	$(O)/fastpath-pv-nojl $(PVCLOCK_PROGS)

.PHONY: all test bench soak clean headers-check variants kernel guest-test \
	guest-test-long vm-bench patches patches-bisect
all: $(PROGS) pvspin

pvspin: $(O)/pvspin
	@if [ "$(VARIANT)" = release ]; then ln -sf $(O)/pvspin pvspin; fi

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -c $< -o $@

# One relocatable object per image; only its descriptor stays global.
define image_rules
$(O)/image-$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASE_CFLAGS) $$(IMAGE_FLAGS_$(1)) -DPVSPIN_IMAGE=$(1) -c $$< -o $$@

$(O)/image-$(1).o: $$(patsubst %.c,$(O)/image-$(1)/%.o,$$(IMAGE_SRCS_$(1)))
	$$(LD) -r -o $$@.tmp $$^
	$$(OBJCOPY) --keep-global-symbol=pvspin_image_$(1) $$@.tmp $$@
	@rm -f $$@.tmp
endef
$(foreach i,$(IMAGES),$(eval $(call image_rules,$(i))))

$(O)/pvspin: $(O)/tools/pvspin/pvspin.o $(lib_objs)
	$(CC) $(LDFLAGS_VAR) -o $@ $^ -lpthread -lm

$(O)/pvspin_test: $(O)/tools/testing/pvspin/pvspin_test.o $(O)/tools/testing/pvspin/tap.o \
		$(lib_objs)
	$(CC) $(LDFLAGS_VAR) -o $@ $^ -lpthread -lm

# Fast-path cost: the same loop built native and paravirt.
$(O)/fastpath-native: tools/testing/pvspin/fastpath.c $(SHIM_SRCS) $(HOST_SRCS) \
		arch/x86/kernel/paravirt-spinlocks.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -UCONFIG_PARAVIRT_SPINLOCKS -DCONFIG_NR_CPUS=64 \
		-o $@ $^ $(LDFLAGS_VAR) -lpthread
$(O)/fastpath-pv: tools/testing/pvspin/fastpath.c $(SHIM_SRCS) $(HOST_SRCS) \
		$(PV_GUEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -DCONFIG_PARAVIRT -DCONFIG_PARAVIRT_SPINLOCKS \
		-DCONFIG_NR_CPUS=64 -o $@ $^ $(LDFLAGS_VAR) -lpthread

# Negative control: the static key as a load and a branch.
$(O)/fastpath-pv-nojl: tools/testing/pvspin/fastpath.c $(SHIM_SRCS) $(HOST_SRCS) \
		$(PV_GUEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -DCONFIG_PARAVIRT -DCONFIG_PARAVIRT_SPINLOCKS \
		-DCONFIG_NR_CPUS=64 -DPVSPIN_NO_JUMP_LABEL -o $@ $^ $(LDFLAGS_VAR) -lpthread

# Every guest and ABI header compiles on its own, in each configuration.
HEADERS := $(wildcard arch/x86/include/asm/*.h arch/x86/include/uapi/asm/*.h \
	include/uapi/linux/*.h)
headers-check:
	@set -e; for cfg in "-DCONFIG_NR_CPUS=64" \
		"-DCONFIG_NR_CPUS=64 -DCONFIG_PARAVIRT" \
		"-DCONFIG_NR_CPUS=64 -DCONFIG_PARAVIRT -DCONFIG_PARAVIRT_SPINLOCKS" \
		"-DCONFIG_NR_CPUS=256 -DCONFIG_PARAVIRT -DCONFIG_PARAVIRT_SPINLOCKS"; do \
	  for h in $(HEADERS); do \
	    echo "#include \"$$h\"" | $(CC) -std=gnu11 $(WARN) -Werror \
	      $(INCLUDES) $$cfg -x c -fsyntax-only -I. - \
	      || { echo "headers-check: $$h ($$cfg)"; exit 1; }; \
	  done; done; echo "headers-check: $(words $(HEADERS)) headers x 4 configurations"

variants:
	$(MAKE) VARIANT=release all
	$(MAKE) VARIANT=asan $(patsubst build/release/%,build/asan/%,$(PROGS))
	$(MAKE) VARIANT=tsan build/tsan/pvspin_test build/tsan/pvclock_test
	$(MAKE) VARIANT=faults build/faults/pvspin_test

test: variants headers-check
	tools/testing/pvspin/run_tests.sh

# FULL=1: the long sweep.  BENCH_ARGS passes options to pvspin bench.
bench: all
	build/release/pvspin bench $(if $(FULL),--full) $(BENCH_ARGS)

# SOAK_MINUTES=N (default 2): both backends, every injected fault.
soak: all
	tools/testing/pvspin/soak.sh $(or $(SOAK_MINUTES),2)

# Linux guests: tools/linux/, tools/testing/linux/, bench/vm-bench.sh.
KERNEL_VARIANT ?= pv
KERNEL_VERSION ?= 6.1
PATCH_VERSIONS ?= 6.1 6.12
kernel:
	tools/linux/build-kernel.sh --kernel $(KERNEL_VERSION) --variant $(KERNEL_VARIANT)

# The kernel patch series, from the project's files: build/patches/KVER/.
patches:
	@for v in $(PATCH_VERSIONS); do \
		tools/linux/series.sh generate $$v && tools/linux/series.sh check $$v || exit 1; \
	done

# The same, and each patch built in turn with the trimmed configuration
# and booted (TCG; Xen dom0 once the PV lock is in).
patches-bisect:
	@for v in $(PATCH_VERSIONS); do \
		tools/linux/series.sh generate $$v && tools/linux/series.sh check $$v --bisect || exit 1; \
	done

guest-test:
	tools/testing/linux/guest_test.sh

guest-test-long:
	tools/testing/linux/guest_test.sh --long

# VM_BENCH_ARGS passes options to bench/vm-bench.sh (--help lists them).
vm-bench:
	tools/linux/build-kernel.sh --variant all
	bench/vm-bench.sh $(VM_BENCH_ARGS)

clean:
	rm -rf build pvspin bench/results/*.tmp

-include $(shell find build -path build/linux -prune -o -name '*.d' -type f -print 2>/dev/null)
