/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * KVM hypercall numbers and return codes shared by the guest and the
 * embedded host.  Values are the KVM ABI (Linux include/uapi/linux/kvm_para.h).
 */
#ifndef _UAPI_LINUX_KVM_PARA_H
#define _UAPI_LINUX_KVM_PARA_H

/* Hypercall return codes: negated by the host, as KVM does. */
#define KVM_ENOSYS		1000
#define KVM_EFAULT		EFAULT
#define KVM_EINVAL		EINVAL
#define KVM_E2BIG		E2BIG
#define KVM_EPERM		EPERM
#define KVM_EOPNOTSUPP		95

/* Hypercall numbers */
#define KVM_HC_VAPIC_POLL_IRQ	1
#define KVM_HC_MMU_OP		2
#define KVM_HC_FEATURES		3
#define KVM_HC_PPC_MAP_MAGIC_PAGE	4
#define KVM_HC_KICK_CPU		5
#define KVM_HC_MIPS_GET_CLOCK_FREQ	6
#define KVM_HC_MIPS_EXIT_VM	7
#define KVM_HC_MIPS_CONSOLE_OUTPUT	8
#define KVM_HC_CLOCK_PAIRING	9
#define KVM_HC_SEND_IPI		10
#define KVM_HC_SCHED_YIELD	11
#define KVM_HC_MAP_GPA_RANGE	12

#endif /* _UAPI_LINUX_KVM_PARA_H */
