// SPDX-License-Identifier: GPL-2.0
/*
 * What `make bench` reads of the initial namespace's session table (built
 * only with FLOWSESS_BENCH=y; the packet path is the same in both builds):
 *
 *   cat /sys/kernel/debug/flowsess/chains
 *   sessions=N buckets=B walk_x100=W longest=L bucket_bytes=.. session_bytes=..
 *
 * W is the number of entries a lookup that hits walks, times 100, on
 * average over the entries in the table; L the longest chain. Each session
 * has two entries, one per direction.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *flowsess_bench_dir;

/*
 * A reader like the packet path (session.c, rule 1): sessions come and go
 * meanwhile, so the figures are a snapshot. The RCU read section is left
 * between buckets every 64 k entries or so, for a table of millions. A
 * bucket's length counts both directions' entries.
 */
static int flowsess_chains_show(struct seq_file *m, void *unused)
{
	struct flowsess_table *t = &flowsess_pernet(&init_net)->table;
	const struct flowsess_htab *tbl, *now;
	struct flowsess_hnode *node;
	u32 table_id;
	u64 walked = 0, entries = 0;
	unsigned int i, size, len, longest = 0, work = 0;

	rcu_read_lock();
	tbl = rcu_dereference(t->htab);
	size = tbl ? tbl->size : 0;
	table_id = tbl ? tbl->id : 0;
	for (i = 0; i < size; i++) {
		len = 0;
		flowsess_hchain_for_each_rcu(node, tbl->buckets[i])
			len++;
		/* The k-th entry of a chain is found after k steps. */
		walked += (u64)len * (len + 1) / 2;
		entries += len;
		longest = max(longest, len);
		work += len + 1;
		if (work >= 65536) {
			work = 0;
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			/* Resized: a snapshot of part of it. */
			now = rcu_dereference(t->htab);
			if (now != tbl || now->id != table_id)
				break;
		}
	}
	rcu_read_unlock();
	seq_printf(m, "sessions=%d buckets=%u walk_x100=%llu longest=%u bucket_bytes=%zu session_bytes=%zu\n",
		   atomic_read(&t->count), size,
		   entries ? div64_u64(walked * 100, entries) : 0, longest,
		   sizeof(struct flowsess_hnode *), sizeof(struct flowsess_session));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(flowsess_chains);

void flowsess_bench_init(void)
{
	flowsess_bench_dir = debugfs_create_dir("flowsess", NULL);
	debugfs_create_file("chains", 0400, flowsess_bench_dir, NULL,
			    &flowsess_chains_fops);
}

void flowsess_bench_exit(void)
{
	debugfs_remove_recursive(flowsess_bench_dir);
}
