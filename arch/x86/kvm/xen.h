/* SPDX-License-Identifier: GPL-2.0 */
/* Xen emulation state of a VM (see xen.c). */
#ifndef _PVSPIN_HOST_XEN_H
#define _PVSPIN_HOST_XEN_H

#include <pthread.h>
#include <stdint.h>

#include <xen/interface/xen.h>

#define KVM_XEN_NR_PORTS	1024	/* of the 4096 the 2-level ABI allows */

enum kvm_xen_port_state {
	KVM_XEN_PORT_FREE,
	KVM_XEN_PORT_IPI,
};

struct kvm_xen_port {
	enum kvm_xen_port_state state;
	int vcpu;			/* the vCPU events go to */
};

struct kvm_xen {
	/* Guest-visible: the shared info page's event-channel bitmaps. */
	struct shared_info_evtchn shinfo;
	pthread_mutex_t lock;		/* port allocation */
	struct kvm_xen_port ports[KVM_XEN_NR_PORTS];
};

#endif /* _PVSPIN_HOST_XEN_H */
