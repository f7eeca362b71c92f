# SPDX-License-Identifier: GPL-2.0
#
# pvclock: the guest readers and `pvspin clock`, linked into every
# program (the host's clock writers are in HOST_SRCS); the test program
# pvclock_test.  Included by the top-level Makefile before lib_objs is
# defined, so the test's link line names lib_objs for the second
# expansion (GNU make expands prerequisites written $$(...) after all
# makefiles are read; nothing else in the tree writes $$ in a
# prerequisite list).

PVCLOCK_SRCS := arch/x86/kernel/pvclock.c tools/pvspin/clock.c
PVCLOCK_PROGS := $(O)/pvclock_test

.SECONDEXPANSION:
$(O)/pvclock_test: $(O)/tools/testing/pvspin/pvclock_test.o \
		$(O)/tools/testing/pvspin/tap.o $$(lib_objs)
	$(CC) $(LDFLAGS_VAR) -o $@ $^ -lpthread -lm
