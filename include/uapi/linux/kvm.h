/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The part of the KVM userspace ABI the embedded host models: vCPU
 * multiprocessing states (KVM_GET_MP_STATE / KVM_SET_MP_STATE).
 * Values are Linux include/uapi/linux/kvm.h.
 */
#ifndef _UAPI_LINUX_KVM_H
#define _UAPI_LINUX_KVM_H

#define KVM_MP_STATE_RUNNABLE		0
#define KVM_MP_STATE_UNINITIALIZED	1
#define KVM_MP_STATE_INIT_RECEIVED	2
#define KVM_MP_STATE_HALTED		3
#define KVM_MP_STATE_SIPI_RECEIVED	4

struct kvm_mp_state {
	unsigned int mp_state;
};

#endif /* _UAPI_LINUX_KVM_H */
