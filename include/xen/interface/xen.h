/* SPDX-License-Identifier: MIT */
/*
 * The Xen public interface this project uses, in one header shared by the
 * guest and the embedded host: hypercall numbers, event-channel and
 * scheduler operations with their argument structs, the event-channel
 * bitmaps of the shared info page, error codes and the CPUID signature.
 * Values are Xen's public ABI (xen/include/public/xen.h, event_channel.h,
 * sched.h, errno.h).
 */
#ifndef __XEN_PUBLIC_PVSPIN_XEN_H__
#define __XEN_PUBLIC_PVSPIN_XEN_H__

#include <linux/types.h>

/* Hypercall numbers (RAX); arguments in RDI, RSI, ... */
#define __HYPERVISOR_sched_op		29
#define __HYPERVISOR_event_channel_op	32

/* Error codes, returned negated. */
#define XEN_EPERM	1
#define XEN_ENOENT	2
#define XEN_EFAULT	14
#define XEN_EINVAL	22
#define XEN_ENOSPC	28
#define XEN_ENOSYS	38

/* CPUID 0x40000000: EBX:ECX:EDX = "XenVMMXenVMM", EAX = highest leaf. */
#define XEN_CPUID_FIRST_LEAF	0x40000000
#define XEN_CPUID_SIGNATURE	"XenVMMXenVMM"

typedef uint32_t evtchn_port_t;

/* __HYPERVISOR_event_channel_op(cmd, arg) */
#define EVTCHNOP_send		4
#define EVTCHNOP_bind_ipi	7

/* Send an event to the channel's bound vCPU: sets its pending bit. */
struct evtchn_send {
	evtchn_port_t port;		/* IN */
};

/* Allocate a port that only @vcpu receives events on (an IPI channel). */
struct evtchn_bind_ipi {
	uint32_t vcpu;			/* IN */
	evtchn_port_t port;		/* OUT */
};

/* __HYPERVISOR_sched_op(cmd, arg) */
#define SCHEDOP_yield		0
#define SCHEDOP_block		1
#define SCHEDOP_poll		3

/*
 * Block until one of @ports is pending (at once if one already is), or
 * until Xen system time reaches @timeout (ns, 0 = no timeout).  At most
 * 128 ports.
 */
struct sched_poll {
	evtchn_port_t *ports;
	unsigned int nr_ports;
	uint64_t timeout;
};

#define SCHED_POLL_MAX_PORTS	128

/*
 * Event-channel state in the shared info page (2-level ABI, 64-bit
 * guests): port p is bit p % 64 of word p / 64.  The guest clears pending
 * bits itself; Xen sets them.  A masked port is never delivered as an
 * interrupt, but still polled.
 */
#define EVTCHN_2L_NR_CHANNELS	(64 * 64)

struct shared_info_evtchn {
	unsigned long evtchn_pending[64];
	unsigned long evtchn_mask[64];
};

#endif /* __XEN_PUBLIC_PVSPIN_XEN_H__ */
