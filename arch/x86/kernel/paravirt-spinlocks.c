// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of the ticket spinlock: the waiter's loop, and
 * with CONFIG_PARAVIRT the test-and-set loop of virt_spin_lock().  With
 * CONFIG_PARAVIRT_SPINLOCKS also the static calls a backend fills, the
 * static key that gates the PV unlock, the spin policy and its boot
 * parameters, lock stealing, the half of the waiter/unlocker protocol
 * that does not depend on how a backend blocks and kicks, and (with
 * CONFIG_LOCK_EVENT_COUNTS) the slow-path counters in debugfs.
 */
#define pr_fmt(fmt) "spinlocks: " fmt

#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/time64.h>

#ifdef CONFIG_PARAVIRT_SPINLOCKS
#include <asm/pvspin_stats.h>
#include <asm/tsc.h>

void paravirt_ticket_lock_spinning_nop(struct arch_spinlock *lock,
				       __ticket_t want)
{
}

void paravirt_ticket_unlock_kick_nop(struct arch_spinlock *lock,
				     __ticket_t next)
{
}

bool paravirt_ticket_open_turn_nop(struct arch_spinlock *lock,
				   __ticket_t next)
{
	return false;
}

/* A backend updates these before it enables the key, while one CPU runs. */
DEFINE_STATIC_CALL(pv_lock_spinning, paravirt_ticket_lock_spinning_nop);
DEFINE_STATIC_CALL(pv_unlock_kick, paravirt_ticket_unlock_kick_nop);
DEFINE_STATIC_CALL(pv_open_turn, paravirt_ticket_open_turn_nop);

/*
 * Every lock site (modules' too) tests the key in the unlock, so it is
 * exported as the queued lock's slow path is: EXPORT_SYMBOL.
 */
DEFINE_STATIC_KEY_FALSE(paravirt_ticketlocks_enabled);
EXPORT_SYMBOL(paravirt_ticketlocks_enabled);

bool nopvspin __initdata;

static int __init parse_nopvspin(char *arg)
{
	nopvspin = true;
	return 0;
}
early_param("nopvspin", parse_nopvspin);

/*
 * The spin policy (paravirt_ticket.h).  The defaults come from a sweep
 * of a hot lock with 4 and 8 vCPUs on 2 host CPUs: 10 us is about five
 * handoffs of its critical section while the holder runs (2 us each at
 * 2x overcommit), and far below the 240 us a preempted holder took to
 * run again under the 3.12 policy; 5 and 20 us were within 6% of it.
 * Blocking the waiters behind the next one sooner (PVSPIN_QUEUED_NS
 * below PVSPIN_SPIN_NS) lost up to 4x at 2x overcommit, so by default
 * they spin as long.  Pre-waking more than one waiter did not help.  In
 * a Xen dom0 with 4 vCPUs on 2, hackbench was fastest at 10 us of 3, 10,
 * 30, 100 and 300.
 */
#define PVSPIN_SPIN_NS		10000
#define PVSPIN_QUEUED_NS	10000

enum pv_spin_policy pv_spin_policy __ro_after_init = PV_SPIN_NEXT;
unsigned int pv_spin_threshold __ro_after_init = SPIN_THRESHOLD;
static u64 pv_spin_cycles __ro_after_init;
static u64 pv_spin_queued_cycles __ro_after_init;
static unsigned long pvspin_spin_ns __initdata = PVSPIN_SPIN_NS;
static unsigned long pvspin_queued_ns __initdata = PVSPIN_QUEUED_NS;
static unsigned int pv_spin_prewake __ro_after_init = 1;

/* "name=N" for a count in min..max; anything else keeps the default. */
static int __init parse_count(const char *name, char *arg, unsigned long min,
			      unsigned long max, unsigned int *val)
{
	unsigned long n;

	if (!arg || kstrtoul(arg, 0, &n) || n < min || n > max)
		pr_warn("%s=%s: not %lu..%lu, keeping %u\n",
			name, arg ? arg : "", min, max, *val);
	else
		*val = n;
	return 0;
}

static int __init parse_pvspin_prewake(char *arg)
{
	return parse_count("pvspin_prewake", arg, 0, 16, &pv_spin_prewake);
}
early_param("pvspin_prewake", parse_pvspin_prewake);

/*
 * Lock stealing (asm/spinlock.h): the most thefts one turn may suffer,
 * 0 for none.  Only the default policy steals; the others stay the
 * policies they are named after.
 */
#define PVSPIN_STEAL		64
#define PVSPIN_STEAL_MAX	255	/* the slot counts in a u8 */

unsigned int pv_spin_steal __ro_after_init = PVSPIN_STEAL;

static int __init parse_pvspin_steal(char *arg)
{
	return parse_count("pvspin_steal", arg, 0, PVSPIN_STEAL_MAX,
			   &pv_spin_steal);
}
early_param("pvspin_steal", parse_pvspin_steal);

static int __init parse_pvspin_spins(char *arg)
{
	return parse_count("pvspin_spins", arg, 1, 1UL << 30,
			   &pv_spin_threshold);
}
early_param("pvspin_spins", parse_pvspin_spins);

static int __init parse_pvspin_policy(char *arg)
{
	if (arg && !strcmp(arg, "3.12"))
		pv_spin_policy = PV_SPIN_312;
	else if (arg && !strcmp(arg, "time"))
		pv_spin_policy = PV_SPIN_TIME;
	else if (arg && !strcmp(arg, "next"))
		pv_spin_policy = PV_SPIN_NEXT;
	else
		pr_warn("pvspin_policy=%s: unknown, want 3.12, time or next\n",
			arg ? arg : "");
	return 0;
}
early_param("pvspin_policy", parse_pvspin_policy);

static int __init parse_ns(const char *name, char *arg, unsigned long *ns)
{
	unsigned long v;

	if (!arg || kstrtoul(arg, 0, &v) || !v || v > NSEC_PER_SEC)
		pr_warn("%s=%s: not a time in ns (1..10^9), keeping %lu\n",
			name, arg ? arg : "", *ns);
	else
		*ns = v;
	return 0;
}

static int __init parse_pvspin_spin_ns(char *arg)
{
	return parse_ns("pvspin_spin_ns", arg, &pvspin_spin_ns);
}
early_param("pvspin_spin_ns", parse_pvspin_spin_ns);

static int __init parse_pvspin_queued_ns(char *arg)
{
	return parse_ns("pvspin_queued_ns", arg, &pvspin_queued_ns);
}
early_param("pvspin_queued_ns", parse_pvspin_queued_ns);

/* @queued: the waiter is not next in line (PV_SPIN_NEXT only). */
static bool pv_spin_within(u64 start, bool queued)
{
	u64 limit = queued && pv_spin_policy == PV_SPIN_NEXT ?
		    pv_spin_queued_cycles : pv_spin_cycles;

	return rdtsc() - start < limit;
}

void __init pv_spin_init(void)
{
	if (!tsc_khz && pv_spin_policy != PV_SPIN_312) {
		pr_warn("no TSC rate: spin policy 3.12\n");
		pv_spin_policy = PV_SPIN_312;
	}
	pv_spin_cycles = (u64)tsc_khz * pvspin_spin_ns / USEC_PER_SEC;
	pv_spin_queued_cycles = (u64)tsc_khz * pvspin_queued_ns / USEC_PER_SEC;
	if (pv_spin_policy != PV_SPIN_NEXT)
		pv_spin_steal = 0;
}

/* The spin policy in words, for the backend's boot line. */
void __init pv_spin_describe(char *buf, size_t size)
{
	if (pv_spin_policy == PV_SPIN_312)
		snprintf(buf, size, "spin policy 3.12 (%u spins)",
			 pv_spin_threshold);
	else if (pv_spin_policy == PV_SPIN_TIME)
		snprintf(buf, size, "spin policy time (%lu ns)", pvspin_spin_ns);
	else
		snprintf(buf, size,
			 "spin policy next (%lu ns, %lu ns behind, pre-wake %u, steal %u)",
			 pvspin_spin_ns, pvspin_queued_ns, pv_spin_prewake,
			 pv_spin_steal);
}

void __ticket_lock_spinning(arch_spinlock_t *lock, __ticket_t want)
{
	static_call(pv_lock_spinning)(lock, want);
}

/* Every module's unlock may call this: exported as paravirt_ticketlocks_enabled. */
void __ticket_unlock_kick(arch_spinlock_t *lock, __ticket_t next)
{
	static_call(pv_unlock_kick)(lock, next);
}
EXPORT_SYMBOL(__ticket_unlock_kick);

/*
 * Called by a waiter holding @want that read head with the open flag.
 * The load of the whole word and the cmpxchg decide together: a ticket
 * taken in between, or the other CPU's cmpxchg, fails ours.
 */
enum ticket_open __ticket_take_open(arch_spinlock_t *lock, __ticket_t want)
{
	arch_spinlock_t old, new;

	old.head_tail = READ_ONCE(lock->head_tail);
	if (!(old.tickets.head & TICKET_OPEN_FLAG))
		return TICKET_OPEN_MISSED;
	if (__tickets_equal(old.tickets.head, want)) {
		__ticket_t open = want | TICKET_OPEN_FLAG;

		/*
		 * Our turn, opened while we were blocked.  A byte cmpxchg on
		 * head against the word-sized locked ops on the same word:
		 * x86 orders locked ops of any size on one location.
		 */
		if (!try_cmpxchg(&lock->tickets.head, &open, want))
			return TICKET_OPEN_MISSED;
		return TICKET_OPEN_CLAIMED;
	}
	/* Only the last ticket can be given back: tail goes back to it. */
	if (!__tickets_equal(old.tickets.tail, want + TICKET_LOCK_INC))
		return TICKET_OPEN_MISSED;
	new.tickets.head = (old.tickets.head & ~TICKET_OPEN_FLAG) -
			   TICKET_LOCK_INC;
	new.tickets.tail = old.tickets.tail - TICKET_LOCK_INC;
	if (!try_cmpxchg(&lock->head_tail, &old.head_tail, new.head_tail))
		return TICKET_OPEN_MISSED;
	pvspin_stat_inc(PVSPIN_TAKEN_SLOW_STOLEN);
	return TICKET_OPEN_STOLEN;
}

/*
 * The unlock of a holder (or thief) that saw the slowpath flag before
 * releasing.  Open the turn if a waiter queues behind us and the backend
 * finds the waiter holding next blocked and passed over fewer than
 * pv_spin_steal times; then release and kick as __ticket_unlock_pv()
 * does.  The flag is still set at the xadd: only the holder clears it.
 */
void __ticket_unlock_slowpath(arch_spinlock_t *lock, __ticket_t head)
{
	__ticket_t next = head + TICKET_LOCK_INC, to = next;
	arch_spinlock_t prev;

	if (pv_spin_steal &&
	    !__tickets_equal(READ_ONCE(lock->tickets.tail), next) &&
	    static_call(pv_open_turn)(lock, next))
		to |= TICKET_OPEN_FLAG;
	prev.head_tail = xadd(&lock->head_tail,
			      (__ticketpair_t)((__ticketpair_t)to - head));
	if (to & TICKET_OPEN_FLAG)
		pvspin_stat_inc(PVSPIN_RELEASED_SLOW_OPEN);
	if (!__tickets_equal(prev.tickets.tail, next))
		__ticket_unlock_kick(lock, next);
}
EXPORT_SYMBOL(__ticket_unlock_slowpath);

bool pv_ticket_wait_begin(struct pv_ticket_wait *w, struct cpumask *waiting,
			  struct arch_spinlock *lock, __ticket_t want)
{
	u8 ctx = in_hardirq() ? PV_TICKET_CTX_HARDIRQ :
		 in_serving_softirq() ? PV_TICKET_CTX_SOFTIRQ :
		 PV_TICKET_CTX_TASK;
	struct pv_ticket_count *c = &w->count[ctx];

	/*
	 * Another (lock, want) starts a new count of thefts; a ticket
	 * waited for again keeps its count, so a turn is opened
	 * pv_spin_steal times in all, however often its waiter blocks.  The
	 * same ticket of the same lock a whole ticket space later also keeps
	 * it (its turn may then be opened less often: it errs on the fair
	 * side).  Unlockers change only the count of a published (lock,
	 * want), which is not this context's until the slot below says so.
	 */
	if (READ_ONCE(c->lock) != lock || READ_ONCE(c->want) != want) {
		WRITE_ONCE(c->lock, lock);
		WRITE_ONCE(c->want, want);
		WRITE_ONCE(c->passed, 0);
	}
	WRITE_ONCE(w->lock, NULL);
	/*
	 * The slot stops naming its old lock before want and ctx change;
	 * pairs with the smp_rmb() in pv_ticket_slot_waits().
	 */
	smp_wmb();
	WRITE_ONCE(w->want, want);
	WRITE_ONCE(w->ctx, ctx);
	/*
	 * The count, want and ctx before lock: a scan that sees lock sees
	 * them; pairs with the smp_rmb() in pv_ticket_slot_waits().
	 */
	smp_wmb();
	WRITE_ONCE(w->lock, lock);

	pvspin_stat_inc(PVSPIN_TAKEN_SLOW);
	cpumask_set_cpu(smp_processor_id(), waiting);

	__ticket_enter_slowpath(lock);
	/*
	 * Slot, mask and flag before the re-read of head; pairs with the
	 * locked xadd that releases the lock in __ticket_unlock_pv().
	 */
	smp_mb();

	/* Our turn, plain or open (the caller claims an open one). */
	if (__tickets_equal(READ_ONCE(lock->tickets.head), want)) {
		pvspin_stat_inc(PVSPIN_TAKEN_SLOW_PICKUP);
		return true;
	}
	return false;
}

void pv_ticket_wait_end(struct pv_ticket_wait *w, struct cpumask *waiting)
{
	cpumask_clear_cpu(smp_processor_id(), waiting);
	WRITE_ONCE(w->lock, NULL);
}

/*
 * Woken from a block before our turn: a pre-wake when it brought us
 * within pv_spin_prewake places of next under the default policy,
 * otherwise spurious.  The lock is alive: we hold a ticket.
 */
void pv_ticket_count_wakeup(struct arch_spinlock *lock, __ticket_t want)
{
	__ticket_t head = READ_ONCE(lock->tickets.head);

	if (__tickets_equal(head, want))
		return;
	if (pv_spin_policy == PV_SPIN_NEXT &&
	    (__ticket_t)(want - head) <= pv_spin_prewake * TICKET_LOCK_INC)
		return;
	pvspin_stat_inc(PVSPIN_TAKEN_SLOW_SPURIOUS);
}

/*
 * Does the wait published in @w name @lock?  Then *@want is its ticket.
 */
static bool pv_ticket_slot_waits(const struct pv_ticket_wait *w,
				 struct arch_spinlock *lock, __ticket_t *want)
{
	if (READ_ONCE(w->lock) != lock)
		return false;
	/* lock before want: pairs with pv_ticket_wait_begin()'s smp_wmb()s. */
	smp_rmb();
	*want = READ_ONCE(w->want);
	return true;
}

/*
 * Called by the holder of @lock about to release it to @next.  The count
 * lives in the blocked waiter's slot, so it follows the turn from one
 * thief's unlock to the next.  Holders of @lock increment it, one at a
 * time, and only while it names (lock, next): the one CPU that holds
 * ticket @next of @lock.  A torn match of the published slot (see
 * below) fails that test or opens a turn whose waiter is not blocked:
 * time, never correctness, since the waiter takes an open turn and a
 * plain one alike.
 */
bool pv_ticket_open_turn(struct arch_spinlock *lock, __ticket_t next,
			 const struct cpumask *waiting,
			 struct pv_ticket_wait __percpu *slots)
{
	int cpu;

	for_each_cpu(cpu, waiting) {
		struct pv_ticket_wait *w = per_cpu_ptr(slots, cpu);
		struct pv_ticket_count *c;
		__ticket_t want;
		u8 ctx, passed;

		if (!pv_ticket_slot_waits(w, lock, &want) || want != next)
			continue;
		ctx = READ_ONCE(w->ctx);
		if (ctx >= PV_TICKET_CONTEXTS)
			continue;
		c = &w->count[ctx];
		/* A torn or stale slot: look on, as the kick does. */
		if (READ_ONCE(c->lock) != lock || READ_ONCE(c->want) != next)
			continue;
		passed = READ_ONCE(c->passed);
		if (passed >= pv_spin_steal)
			return false;
		WRITE_ONCE(c->passed, passed + 1);
		return true;
	}
	return false;
}

/*
 * Every matching slot is kicked, not only the first: lock and want are
 * read one after the other, and a CPU that moves its slot to another lock
 * between the two reads (an interrupt handler on that CPU taking the slow
 * path) can show this lock with the other lock's ticket.  Stopping at such
 * a torn match would leave the real waiter blocked; an extra kick costs
 * one spurious wakeup.  @lock is a key here, never dereferenced.
 */
void pv_ticket_kick_waiters(struct arch_spinlock *lock, __ticket_t next,
			    const struct cpumask *waiting,
			    struct pv_ticket_wait __percpu *slots,
			    void (*kick)(int cpu))
{
	/* Pre-wake the waiters up to pv_spin_prewake places behind @next. */
	__ticket_t early = pv_spin_policy == PV_SPIN_NEXT ?
			   pv_spin_prewake * TICKET_LOCK_INC : 0;
	int cpu;

	pvspin_stat_inc(PVSPIN_RELEASED_SLOW);
	for_each_cpu(cpu, waiting) {
		const struct pv_ticket_wait *w = per_cpu_ptr(slots, cpu);
		__ticket_t want;

		if (!pv_ticket_slot_waits(w, lock, &want))
			continue;
		if (want == next)
			pvspin_stat_inc(PVSPIN_RELEASED_SLOW_KICKED);
		else if ((__ticket_t)(want - next) <= early)
			pvspin_stat_inc(PVSPIN_RELEASED_SLOW_PREWAKE);
		else
			continue;
		kick(cpu);
	}
}

#ifdef CONFIG_LOCK_EVENT_COUNTS
DEFINE_PER_CPU(struct pvspin_stats, pvspin_stats);

const char * const pvspin_stat_names[NR_PVSPIN_STATS] = {
	[PVSPIN_TAKEN_SLOW]		= "taken_slow",
	[PVSPIN_TAKEN_SLOW_PICKUP]	= "taken_slow_pickup",
	[PVSPIN_TAKEN_SLOW_SPURIOUS]	= "taken_slow_spurious",
	[PVSPIN_TAKEN_SLOW_NESTED]	= "taken_slow_nested",
	[PVSPIN_RELEASED_SLOW]		= "released_slow",
	[PVSPIN_RELEASED_SLOW_KICKED]	= "released_slow_kicked",
	[PVSPIN_RELEASED_SLOW_PREWAKE]	= "released_slow_prewake",
	[PVSPIN_RELEASED_SLOW_OPEN]	= "released_slow_open",
	[PVSPIN_TAKEN_SLOW_STOLEN]	= "taken_slow_stolen",
};

void pvspin_stats_sum(struct pvspin_stats *sum)
{
	int cpu, i;

	*sum = (struct pvspin_stats){ 0 };
	for_each_possible_cpu(cpu) {
		const struct pvspin_stats *s = per_cpu_ptr(&pvspin_stats, cpu);

		for (i = 0; i < NR_PVSPIN_STATS; i++)
			sum->count[i] += READ_ONCE(s->count[i]);
		sum->time_blocked += READ_ONCE(s->time_blocked);
		for (i = 0; i <= PVSPIN_HISTO_BUCKETS; i++)
			sum->histo_blocked[i] += READ_ONCE(s->histo_blocked[i]);
	}
}

#ifdef CONFIG_DEBUG_FS
#include <linux/debugfs.h>
#include <linux/seq_file.h>

static int pvspin_debugfs_count_get(void *data, u64 *val)
{
	struct pvspin_stats sum;

	pvspin_stats_sum(&sum);
	*val = sum.count[(enum pvspin_stat)(unsigned long)data];
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pvspin_debugfs_count_fops, pvspin_debugfs_count_get,
			 NULL, "%llu\n");

static int pvspin_debugfs_time_get(void *data, u64 *val)
{
	struct pvspin_stats sum;

	pvspin_stats_sum(&sum);
	*val = sum.time_blocked;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pvspin_debugfs_time_fops, pvspin_debugfs_time_get,
			 NULL, "%llu\n");

/* Writing anything zeroes every CPU's counters. */
static int pvspin_debugfs_zero_set(void *data, u64 val)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&pvspin_stats, cpu), 0,
		       sizeof(struct pvspin_stats));
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pvspin_debugfs_zero_fops, NULL,
			 pvspin_debugfs_zero_set, "%llu\n");

/* One line: the halt-time histogram, bucket i counting 2^i..2^(i+1)-1 ns. */
static int pvspin_debugfs_histo_show(struct seq_file *m, void *v)
{
	struct pvspin_stats sum;
	int i;

	pvspin_stats_sum(&sum);
	for (i = 0; i <= PVSPIN_HISTO_BUCKETS; i++)
		seq_printf(m, "%s%llu", i ? " " : "", sum.histo_blocked[i]);
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvspin_debugfs_histo);

void pvspin_debugfs_create(struct dentry *parent)
{
	struct dentry *d;
	unsigned long i;

	if (IS_ERR_OR_NULL(parent))
		return;
	d = debugfs_create_dir("spinlocks", parent);
	debugfs_create_file_unsafe("zero_stats", 0200, d, NULL,
				   &pvspin_debugfs_zero_fops);
	for (i = 0; i < NR_PVSPIN_STATS; i++)
		debugfs_create_file_unsafe(pvspin_stat_names[i], 0444, d,
					   (void *)i,
					   &pvspin_debugfs_count_fops);
	debugfs_create_file_unsafe("time_blocked", 0444, d, NULL,
				   &pvspin_debugfs_time_fops);
	debugfs_create_file("histo_blocked", 0444, d, NULL,
			    &pvspin_debugfs_histo_fops);
}
#endif /* CONFIG_DEBUG_FS */
#endif /* CONFIG_LOCK_EVENT_COUNTS */

/* The TSC when a spin phase starts: only the timed policies read it. */
static __always_inline u64 __ticket_spin_start(void)
{
	if (!paravirt_ticketlocks_on() || pv_spin_policy == PV_SPIN_312)
		return 0;
	return rdtsc();
}

/*
 * Keep spinning?  @count spins since @start; @head was just read and is
 * not @want.  The TSC is read once every PV_SPIN_CLOCK_EVERY spins;
 * unsigned subtraction, as tickets wrap.
 */
static __always_inline bool __ticket_spin_on(u64 start, unsigned int count,
					     __ticket_t want, __ticket_t head)
{
	if (!paravirt_ticketlocks_on())
		return true;
	if (pv_spin_policy == PV_SPIN_312)
		return count < pv_spin_threshold;
	if (count % PV_SPIN_CLOCK_EVERY)
		return true;
	return pv_spin_within(start, (__ticket_t)(want - head) >
				     TICKET_LOCK_INC);
}
#else
static __always_inline u64 __ticket_spin_start(void)
{
	return 0;
}

/* Nobody to call: spin until served. */
static __always_inline bool __ticket_spin_on(u64 start, unsigned int count,
					     __ticket_t want, __ticket_t head)
{
	return true;
}
#endif /* CONFIG_PARAVIRT_SPINLOCKS */

/*
 * Called by the holder of ticket @head: if nobody queued behind it, the
 * flag left by earlier waiters is stale; clear it so that unlocks go back
 * to the fast path.  A ticket taken meanwhile makes the cmpxchg fail and
 * the flag stays, which is always safe.
 */
static inline void __ticket_check_and_clear_slowpath(arch_spinlock_t *lock,
						     __ticket_t head)
{
	arch_spinlock_t old, new;

	old.tickets.head = head;
	old.tickets.tail = (__ticket_t)(head + TICKET_LOCK_INC) |
			   TICKET_SLOWPATH_FLAG;
	if (READ_ONCE(lock->tickets.tail) != old.tickets.tail)
		return;
	new.tickets.head = head;
	new.tickets.tail = head + TICKET_LOCK_INC;
	try_cmpxchg(&lock->head_tail, &old.head_tail, new.head_tail);
}

/* Out of the fast path: wait until head reaches @inc.tail. */
void __ticket_lock_wait(arch_spinlock_t *lock, struct __raw_tickets inc)
{
	__ticket_t want = inc.tail & ~TICKET_SLOWPATH_FLAG;

	while (inc.head != want) {
		u64 start = __ticket_spin_start();
		unsigned int count = 0;

		do {
			/* Acquire: pairs with the releasing store or xadd. */
			inc.head = smp_load_acquire(&lock->tickets.head);
			if (inc.head == want)
				goto acquired;
			/* An open turn: ours to claim, or the last to steal. */
			if (unlikely(inc.head & TICKET_OPEN_FLAG)) {
				switch (__ticket_take_open(lock, want)) {
				case TICKET_OPEN_CLAIMED:
					goto acquired;
				case TICKET_OPEN_STOLEN:
					/*
					 * Our ticket was given back: clearing
					 * the flag is not ours to do.
					 */
					return;
				default:
					break;
				}
			}
			cpu_relax();
		} while (__ticket_spin_on(start, ++count, want, inc.head));
		__ticket_lock_spinning(lock, want);
	}
acquired:
	/* Only a backend sets the flag, and only once the key is on. */
	if (TICKET_SLOWPATH_FLAG && paravirt_ticketlocks_on())
		__ticket_check_and_clear_slowpath(lock, want);
}
EXPORT_SYMBOL(__ticket_lock_wait);

#ifdef CONFIG_PARAVIRT
/*
 * virt_spin_lock()'s loop, out of line so that each lock site stays a
 * NOP and a xadd: read until free, then try to take the ticket that
 * makes the lock ours.  The trylock succeeds only on a free lock, so
 * this mixes safely with lockers that already hold or wait for tickets.
 */
void __virt_spin_lock(arch_spinlock_t *lock)
{
	do {
		while (arch_spin_is_locked(lock))
			cpu_relax();
	} while (!arch_spin_trylock(lock));
}
EXPORT_SYMBOL(__virt_spin_lock);
/*
 * Defined in paravirt.c.  A module that inlines arch_spin_lock() carries
 * a jump label on it, so the key must be visible to modules too.
 */
EXPORT_SYMBOL(virt_spin_lock_key);
#endif /* CONFIG_PARAVIRT */
