/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_SMP_H
#define _TOOLS_LINUX_SMP_H

#include <pvspin/machine.h>

#define smp_processor_id()	(machine_cpu->cpu)
#define raw_smp_processor_id()	(machine_cpu->cpu)

unsigned int num_possible_cpus(void);
#define num_online_cpus()	num_possible_cpus()

#endif /* _TOOLS_LINUX_SMP_H */
