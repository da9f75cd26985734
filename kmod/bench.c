// SPDX-License-Identifier: GPL-2.0
/*
 * The session table on its own, for `make bench` (built only with
 * FLOWSESS_BENCH=y): a private table, not a namespace's, filled with N
 * UDP sessions and probed with lookups that hit and that miss.
 *
 *   echo "N BUCKETS" > /sys/kernel/debug/flowsess/table_bench
 *   cat /sys/kernel/debug/flowsess/table_bench
 *   n=N buckets=B insert_ns=.. lookup_hit_ns=.. lookup_miss_ns=.. hits=..
 *   false_hits=.. chain_walk_x100=.. chain_max=.. memory_ns=..
 *   bytes_per_session=..
 *
 * Times are per operation, averaged over the run, with the clock read
 * once around each loop. The sessions are inserted the way the packet
 * path inserts them (allocation, hash insert, timer armed), then flushed.
 */
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

#define FLOWSESS_BENCH_LOOKUPS	BIT(20)

static struct dentry *flowsess_bench_dir;
static DEFINE_MUTEX(flowsess_bench_lock);
static char flowsess_bench_result[320];

/* Session @i's tuple: addresses and ports spread like real traffic. */
static void flowsess_bench_tuple(struct flowsess_tuple *t, u32 i)
{
	memset(t, 0, sizeof(*t));
	t->l3num = NFPROTO_IPV4;
	t->protonum = IPPROTO_UDP;
	t->src.ip = htonl(0x0a000000 | (i >> 8));	/* 10.x.y.z */
	t->dst.ip = htonl(0xc0a80000 | (i & 0xff));	/* 192.168.0.z */
	t->sport = htons(1024 + (i % 50000));
	t->dport = htons(53);
}

/* Lookups of sessions offset .. offset + n - 1 in a scattered order. */
static s64 flowsess_bench_lookups(struct flowsess_table *t, u32 n, u32 offset,
				  u32 *found)
{
	struct flowsess_tuple tuple;
	ktime_t start;
	u32 i;

	*found = 0;
	start = ktime_get();
	rcu_read_lock();
	for (i = 0; i < FLOWSESS_BENCH_LOOKUPS; i++) {
		flowsess_bench_tuple(&tuple, offset + (i * 2654435761U) % n);
		*found += !!flowsess_lookup(t, &tuple);
	}
	rcu_read_unlock();
	return div_s64(ktime_to_ns(ktime_sub(ktime_get(), start)), FLOWSESS_BENCH_LOOKUPS);
}

/*
 * How long the chains are: the entries a lookup that hits walks, on
 * average over the sessions' entries, and the longest chain. A reader
 * like the packet path (table.c, rule 1): the table's aging work may
 * unlink sessions meanwhile.
 */
static void flowsess_bench_chains(struct flowsess_table *t, u32 *avg_x100, u32 *longest)
{
	struct flowsess_tuplehash *th;
	u64 walked = 0, entries = 0;
	unsigned int i, len;

	*longest = 0;
	rcu_read_lock();
	for (i = 0; i <= t->mask; i++) {
		len = 0;
		hlist_for_each_entry_rcu(th, &t->buckets[i].head, node)
			len++;
		/* The k-th entry of a chain is found after k steps. */
		walked += (u64)len * (len + 1) / 2;
		entries += len;
		*longest = max(*longest, len);
	}
	rcu_read_unlock();
	*avg_x100 = entries ? div64_u64(walked * 100, entries) : 0;
}

/*
 * What the machine charges for the memory a lookup touches, without the
 * table: per lookup, a read at a random bucket of an array the size of
 * the bucket array, then, depending on it, one at a random session of an
 * array the size of the sessions. Lookup time above this floor is the
 * table's own work; the floor's growth with N is the memory's.
 */
static s64 flowsess_bench_memory(u32 n, u32 buckets)
{
	const size_t bucket_size = sizeof(struct flowsess_bucket);
	const size_t session_size = sizeof(struct flowsess_session);
	u8 *bucket_mem, *session_mem;
	unsigned long sum = 0;
	ktime_t start;
	s64 ns;
	u32 i, k;

	buckets = roundup_pow_of_two(buckets);
	bucket_mem = kvzalloc(array_size(buckets, bucket_size), GFP_KERNEL);
	session_mem = kvzalloc(array_size(n, session_size), GFP_KERNEL);
	if (!bucket_mem || !session_mem) {
		ns = -ENOMEM;
		goto out;
	}
	start = ktime_get();
	for (i = 0; i < FLOWSESS_BENCH_LOOKUPS; i++) {
		k = (i * 2654435761U) % n;
		sum += READ_ONCE(bucket_mem[(hash_32(k, 32) & (buckets - 1)) * bucket_size]);
		sum += READ_ONCE(session_mem[k * session_size + (sum & 1)]);
	}
	ns = div_s64(ktime_to_ns(ktime_sub(ktime_get(), start)), FLOWSESS_BENCH_LOOKUPS);
out:
	kvfree(session_mem);
	kvfree(bucket_mem);
	return ns;
}

static int flowsess_bench_run(u32 n, u32 buckets)
{
	struct flowsess_tuplehash *existing;
	struct flowsess_session *s;
	struct flowsess_tuple tuple;
	struct flowsess_net *fn;
	s64 insert_ns, hit_ns, miss_ns, memory_ns;
	u32 hits, false_hits, chain_x100, chain_max;
	ktime_t start;
	int err;
	u32 i;

	memory_ns = flowsess_bench_memory(n, buckets);
	if (memory_ns < 0)
		return memory_ns;
	fn = kzalloc(sizeof(*fn), GFP_KERNEL);
	if (!fn)
		return -ENOMEM;
	flowsess_config_defaults(&fn->cfg);
	fn->cfg.max_sessions = n;
	fn->cfg.udp_timeout_ms = 3600 * MSEC_PER_SEC;
	err = flowsess_stats_init(fn);
	if (err)
		goto out_free;
	err = flowsess_table_init(&fn->table, fn, buckets);
	if (err)
		goto out_stats;

	start = ktime_get();
	for (i = 0; i < n; i++) {
		flowsess_bench_tuple(&tuple, i);
		s = flowsess_session_alloc(&fn->table, &tuple, GFP_KERNEL);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		s->last_seen = ktime_get_coarse();
		s->timeout = ms_to_ktime(fn->cfg.udp_timeout_ms);
		rcu_read_lock();
		err = flowsess_session_insert(s, &existing);
		rcu_read_unlock();
		if (err) {
			flowsess_session_free_unused(s);
			break;
		}
		if (!(i % 4096))
			cond_resched();
	}
	insert_ns = div_s64(ktime_to_ns(ktime_sub(ktime_get(), start)), max(i, 1U));
	if (!err) {
		hit_ns = flowsess_bench_lookups(&fn->table, n, 0, &hits);
		miss_ns = flowsess_bench_lookups(&fn->table, n, n, &false_hits);
		flowsess_bench_chains(&fn->table, &chain_x100, &chain_max);
		snprintf(flowsess_bench_result, sizeof(flowsess_bench_result),
			 "n=%u buckets=%u insert_ns=%lld lookup_hit_ns=%lld lookup_miss_ns=%lld hits=%u false_hits=%u chain_walk_x100=%u chain_max=%u memory_ns=%lld bytes_per_session=%zu\n",
			 n, fn->table.mask + 1, insert_ns, hit_ns, miss_ns, hits,
			 false_hits, chain_x100, chain_max, memory_ns,
			 sizeof(struct flowsess_session));
	}
	flowsess_table_destroy(&fn->table);
out_stats:
	flowsess_stats_free(fn);
out_free:
	kfree(fn);
	return err;
}

static ssize_t flowsess_bench_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	u32 n, buckets;
	char buf[32];
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%u %u", &n, &buckets) != 2 || !n || n > FLOWSESS_MAX_SESSIONS_MAX ||
	    buckets < 16 || buckets > FLOWSESS_BUCKETS_MAX)
		return -EINVAL;
	mutex_lock(&flowsess_bench_lock);
	err = flowsess_bench_run(n, buckets);
	mutex_unlock(&flowsess_bench_lock);
	return err ?: len;
}

static ssize_t flowsess_bench_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&flowsess_bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, flowsess_bench_result,
				      strlen(flowsess_bench_result));
	mutex_unlock(&flowsess_bench_lock);
	return ret;
}

static const struct file_operations flowsess_bench_fops = {
	.owner	= THIS_MODULE,
	.write	= flowsess_bench_write,
	.read	= flowsess_bench_read,
	.llseek	= default_llseek,
};

void flowsess_bench_init(void)
{
	flowsess_bench_dir = debugfs_create_dir("flowsess", NULL);
	debugfs_create_file("table_bench", 0600, flowsess_bench_dir, NULL,
			    &flowsess_bench_fops);
}

void flowsess_bench_exit(void)
{
	debugfs_remove_recursive(flowsess_bench_dir);
}
