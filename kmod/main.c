// SPDX-License-Identifier: GPL-2.0
/*
 * flowsess: module init and exit, the per network namespace lifetime, and
 * the module parameters.
 *
 * Order: the session cache and the pernet operations come first, so that
 * every namespace has its state before sysfs and generic netlink can reach
 * it; on exit, generic netlink and sysfs go first, so that no request can
 * arrive while namespaces are torn down, and the cache goes last.
 */
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "internal.h"

unsigned int flowsess_net_id __read_mostly;

/*
 * True while the module's load makes the state of the namespaces that
 * exist: those open a pickup period (tcp.c), for the connections already
 * through them. A namespace made later has no connection through it yet,
 * and no period. No namespace is made while register_pernet_subsys() runs
 * (it holds pernet_ops_rwsem); one made in the moment between its return
 * and the flag's clearing gets a period too, which does no harm.
 */
static bool flowsess_loading;

/*
 * Module parameters: the initial knobs of namespaces created after they are
 * set (each namespace copies them when it is created); the knobs of a
 * namespace are then changed over generic netlink only. The knobs added
 * with the SRX feature set have no parameter: they start at the SRX's
 * defaults. A value out of a knob's range is refused (-ERANGE), at insmod
 * or when written to /sys/module/flowsess/parameters/.
 */
struct flowsess_param_range {
	unsigned int *value;
	unsigned int min, max;
};

static int flowsess_param_set(const char *val, const struct kernel_param *kp)
{
	const struct flowsess_param_range *r = kp->arg;
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < r->min || v > r->max)
		return -ERANGE;
	WRITE_ONCE(*r->value, v);
	return 0;
}

static int flowsess_param_get(char *buf, const struct kernel_param *kp)
{
	const struct flowsess_param_range *r = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*r->value));
}

static const struct kernel_param_ops flowsess_param_range_ops = {
	.set = flowsess_param_set,
	.get = flowsess_param_get,
};

/* An unsigned int parameter @name, stored in @var, within [@lo, @hi]. */
#define FLOWSESS_PARAM(name, var, lo, hi, perm, desc)			\
	static struct flowsess_param_range flowsess_param_##name = {	\
		.value = &(var), .min = (lo), .max = (hi),		\
	};								\
	module_param_cb(name, &flowsess_param_range_ops,		\
			&flowsess_param_##name, perm);			\
	MODULE_PARM_DESC(name, desc)

static bool rst_invalidate_session;
module_param(rst_invalidate_session, bool, 0644);
MODULE_PARM_DESC(rst_invalidate_session,
		 "Invalidate a TCP session at once on RST (default: off, wait rst_grace_ms)");

static unsigned int rst_grace_ms = 2000;
FLOWSESS_PARAM(rst_grace_ms, rst_grace_ms, 0, FLOWSESS_RST_GRACE_MS_MAX, 0644,
	       "How long a session lives after a RST, in ms (default 2000)");

static unsigned int tcp_initial_timeout_ms = 20 * MSEC_PER_SEC;
FLOWSESS_PARAM(tcp_initial_timeout_ms, tcp_initial_timeout_ms,
	       FLOWSESS_TCP_INITIAL_TIMEOUT_MS_MIN, FLOWSESS_TCP_INITIAL_TIMEOUT_MS_MAX,
	       0644, "Idle timeout before the handshake completes, in ms (default 20 s)");

static unsigned int tcp_timeout_ms = 1800 * MSEC_PER_SEC;
FLOWSESS_PARAM(tcp_timeout_ms, tcp_timeout_ms, 1, FLOWSESS_TIMEOUT_MS_MAX, 0644,
	       "Idle timeout of established TCP sessions, in ms (default 1800 s)");

static unsigned int udp_timeout_ms = 60 * MSEC_PER_SEC;
FLOWSESS_PARAM(udp_timeout_ms, udp_timeout_ms, 1, FLOWSESS_TIMEOUT_MS_MAX, 0644,
	       "Idle timeout of UDP sessions, in ms (default 60 s)");

static unsigned int icmp_timeout_ms = 60 * MSEC_PER_SEC;
FLOWSESS_PARAM(icmp_timeout_ms, icmp_timeout_ms, 1, FLOWSESS_TIMEOUT_MS_MAX, 0644,
	       "Idle timeout of ICMP echo sessions, in ms (default 60 s)");

static unsigned int other_timeout_ms = 1800 * MSEC_PER_SEC;
FLOWSESS_PARAM(other_timeout_ms, other_timeout_ms, 1, FLOWSESS_TIMEOUT_MS_MAX, 0644,
	       "Idle timeout of other protocols, in ms (default 1800 s)");

static unsigned int flowsess_max_sessions = 262144;
FLOWSESS_PARAM(max_sessions, flowsess_max_sessions, 1, FLOWSESS_MAX_SESSIONS_MAX, 0644,
	       "Most sessions per namespace (default 262144)");

static unsigned int pickup_period_ms = 60 * MSEC_PER_SEC;
FLOWSESS_PARAM(pickup_period_ms, pickup_period_ms, 0, FLOWSESS_PICKUP_PERIOD_MS_MAX, 0644,
	       "How long after the load or a clear TCP connections in mid-stream are picked up, in ms (default 60 s)");

static unsigned int event_queue_limit = FLOWSESS_EVENT_QUEUE_LIMIT;
FLOWSESS_PARAM(event_queue_limit, event_queue_limit, 1, FLOWSESS_EVENT_QUEUE_LIMIT_MAX, 0644,
	       "Events of a namespace that wait for its netlink listeners (monitors, the sync daemon); more are dropped and counted in events_lost (default 8192)");

/* events.c: a new namespace's queue limit, from the parameter. */
u32 flowsess_event_queue_limit(void)
{
	return READ_ONCE(event_queue_limit);
}

/*
 * A container's root has CAP_NET_ADMIN over its own namespaces: the
 * initial namespace's admin caps what their tables may hold, as
 * nf_conntrack keeps its limit read-only outside the initial namespace.
 */
static unsigned int netns_max_sessions = 262144;
FLOWSESS_PARAM(netns_max_sessions, netns_max_sessions, 1, FLOWSESS_MAX_SESSIONS_MAX, 0644,
	       "Most sessions in a namespace other than the initial one (default 262144)");

/*
 * The most sessions @fn may hold: its max-sessions, capped outside the
 * initial namespace. KUnit's tables belong to no namespace: uncapped.
 */
u32 flowsess_max_sessions_allowed(const struct flowsess_net *fn)
{
	u32 max = READ_ONCE(fn->cfg.max_sessions);

	if (!fn->net || net_eq(fn->net, &init_net))
		return max;
	return min(max, READ_ONCE(netns_max_sessions));
}

/* What a namespace other than the initial one may set max-sessions to. */
u32 flowsess_netns_max_sessions(void)
{
	return READ_ONCE(netns_max_sessions);
}

/*
 * The close states age like nf_conntrack's; TIME_WAIT is short, SRX-like.
 * The aging knobs are the SRX's defaults: early ageout 20 s, watermarks
 * 100 % (eviction only, when the table is full).
 */
void flowsess_config_defaults(struct flowsess_config *cfg)
{
	u32 initial = READ_ONCE(tcp_initial_timeout_ms);

	memset(cfg, 0, sizeof(*cfg));
	seqlock_init(&cfg->timeouts_lock);
	cfg->rst_invalidate_session = READ_ONCE(rst_invalidate_session);
	cfg->timeouts.rst_grace_ms = READ_ONCE(rst_grace_ms);
	cfg->timeouts.time_wait_state = FLOWSESS_TIME_WAIT_OFF;
	cfg->timeouts.time_wait_timeout_ms = 150 * MSEC_PER_SEC;
	cfg->early_ageout_ms = 20 * MSEC_PER_SEC;
	cfg->high_watermark = 100;
	cfg->low_watermark = 100;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_NONE] = initial;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT] = initial;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_SYN_RECV] = initial;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = READ_ONCE(tcp_timeout_ms);
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_FIN_WAIT] = 120 * MSEC_PER_SEC;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_CLOSE_WAIT] = 60 * MSEC_PER_SEC;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_LAST_ACK] = 30 * MSEC_PER_SEC;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_TIME_WAIT] = 2 * MSEC_PER_SEC;
	cfg->timeouts.tcp_timeout_ms[FLOWSESS_TCP_CLOSE] = initial;	/* unused: a deadline */
	cfg->timeouts.udp_timeout_ms = READ_ONCE(udp_timeout_ms);
	cfg->timeouts.icmp_timeout_ms = READ_ONCE(icmp_timeout_ms);
	cfg->timeouts.other_timeout_ms = READ_ONCE(other_timeout_ms);
	cfg->max_sessions = READ_ONCE(flowsess_max_sessions);
	cfg->pickup_period_ms = READ_ONCE(pickup_period_ms);
}

/* session.c, rule 9: nothing feeds the table any more. Sleeps. */
static void flowsess_net_teardown(struct flowsess_net *fn)
{
	flowsess_stats_proc_exit(fn);
	flowsess_aging_stop(&fn->table);
	flowsess_collector_stop(&fn->table);
	flowsess_table_flush(&fn->table);
	flowsess_table_destroy(&fn->table);
	flowsess_events_exit(fn);
	flowsess_stats_free(fn);
	mem_cgroup_put(fn->memcg);
}

static int __net_init flowsess_net_init(struct net *net)
{
	struct flowsess_net *fn = flowsess_pernet(net);
	int err;

	fn->net = net;
	/*
	 * A namespace's sessions are charged to the memory cgroup of the
	 * task that made it, a container's (hooks.c allocates them). Those
	 * there at the module's load, the initial one first, are charged to
	 * nobody: insmod's cgroup (an admin's login, a service) did not make
	 * them.
	 */
	fn->memcg = READ_ONCE(flowsess_loading) ? NULL :
						 get_mem_cgroup_from_mm(current->mm);
	/* The root cgroup is nobody's: nothing to charge, GFP_ATOMIC stays. */
	if (fn->memcg && !parent_mem_cgroup(fn->memcg)) {
		mem_cgroup_put(fn->memcg);
		fn->memcg = NULL;
	}
	flowsess_config_defaults(&fn->cfg);
	if (!net_eq(net, &init_net))
		fn->cfg.max_sessions = min(fn->cfg.max_sessions,
					   flowsess_netns_max_sessions());
	flowsess_events_init(fn);
	err = flowsess_stats_init(fn);
	if (err) {
		mem_cgroup_put(fn->memcg);
		return err;
	}
	err = flowsess_table_init(&fn->table);
	if (err)
		goto err_stats;
	/* Connections already open when the hooks come are picked up (tcp.c). */
	if (READ_ONCE(flowsess_loading))
		flowsess_pickup_open(fn);
	err = flowsess_stats_proc_init(fn);
	if (err)
		goto err_table;
	err = flowsess_hooks_register(net);
	if (err)
		goto err_table;
	return 0;

err_table:
	/* Packets may be in the hook that did register. */
	synchronize_net();
	flowsess_net_teardown(fn);
	return err;
err_stats:
	flowsess_stats_free(fn);
	mem_cgroup_put(fn->memcg);
	return err;
}

/*
 * The hooks go first: nf_unregister_net_hooks() does not wait for packets
 * already inside a hook, but the namespace core (and module unload) waits
 * for an RCU grace period between .pre_exit and .exit, as nf_tables and
 * iptables rely on. By .exit no packet is in the hook and none can come.
 */
static void __net_exit flowsess_net_pre_exit(struct net *net)
{
	flowsess_hooks_unregister(net);
}

/* session.c, rule 9. */
static void __net_exit flowsess_net_exit(struct net *net)
{
	flowsess_net_teardown(flowsess_pernet(net));
}

static struct pernet_operations flowsess_net_ops = {
	.init		= flowsess_net_init,
	.pre_exit	= flowsess_net_pre_exit,
	.exit		= flowsess_net_exit,
	.id	= &flowsess_net_id,
	.size	= sizeof(struct flowsess_net),
};

static int __init flowsess_init(void)
{
	int err;

	err = flowsess_session_cache_init();
	if (err)
		return err;
	WRITE_ONCE(flowsess_loading, true);
	err = register_pernet_subsys(&flowsess_net_ops);
	WRITE_ONCE(flowsess_loading, false);
	if (err)
		goto err_cache;
	err = flowsess_sysfs_init();
	if (err)
		goto err_pernet;
	err = flowsess_genl_init();
	if (err)
		goto err_sysfs;
	flowsess_bench_init();
	return 0;

err_sysfs:
	flowsess_sysfs_exit();
err_pernet:
	unregister_pernet_subsys(&flowsess_net_ops);
err_cache:
	flowsess_session_cache_exit();
	return err;
}

static void __exit flowsess_exit(void)
{
	flowsess_bench_exit();
	flowsess_genl_exit();
	flowsess_sysfs_exit();
	unregister_pernet_subsys(&flowsess_net_ops);
	flowsess_session_cache_exit();
}

module_init(flowsess_init);
module_exit(flowsess_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRX-style flow-session table for routers");
MODULE_VERSION("0.1.0");
/*
 * No MODULE_ALIAS_GENL_FAMILY(): the family's lookup would load the module
 * for any user who asks for it, and loading it changes what the router
 * forwards. An admin loads it (README.md).
 */
