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
#include <linux/module.h>
#include <net/genetlink.h>

#include "internal.h"

unsigned int flowsess_net_id __read_mostly;

/*
 * The knobs, as defaults for namespaces created after they are set (each
 * namespace copies them when it is created). They are writable at run time
 * in /sys/module/flowsess/parameters/ until generic netlink sets them per
 * namespace.
 */
static bool rst_invalidate_session;
module_param(rst_invalidate_session, bool, 0644);
MODULE_PARM_DESC(rst_invalidate_session,
		 "Invalidate a TCP session at once on RST (default: off, wait rst_grace_ms)");

static unsigned int rst_grace_ms = 2000;
module_param(rst_grace_ms, uint, 0644);
MODULE_PARM_DESC(rst_grace_ms, "How long a session lives after a RST, in ms (default 2000)");

static unsigned int tcp_initial_timeout_ms = 20 * MSEC_PER_SEC;
module_param(tcp_initial_timeout_ms, uint, 0644);
MODULE_PARM_DESC(tcp_initial_timeout_ms, "Idle timeout before the handshake completes (default 20 s)");

static unsigned int tcp_timeout_ms = 1800 * MSEC_PER_SEC;
module_param(tcp_timeout_ms, uint, 0644);
MODULE_PARM_DESC(tcp_timeout_ms, "Idle timeout of established TCP sessions (default 1800 s)");

static unsigned int udp_timeout_ms = 60 * MSEC_PER_SEC;
module_param(udp_timeout_ms, uint, 0644);
MODULE_PARM_DESC(udp_timeout_ms, "Idle timeout of UDP sessions (default 60 s)");

static unsigned int icmp_timeout_ms = 60 * MSEC_PER_SEC;
module_param(icmp_timeout_ms, uint, 0644);
MODULE_PARM_DESC(icmp_timeout_ms, "Idle timeout of ICMP echo sessions (default 60 s)");

static unsigned int other_timeout_ms = 1800 * MSEC_PER_SEC;
module_param(other_timeout_ms, uint, 0644);
MODULE_PARM_DESC(other_timeout_ms, "Idle timeout of other protocols (default 1800 s)");

unsigned int flowsess_buckets = 16384;
module_param_named(buckets, flowsess_buckets, uint, 0444);
MODULE_PARM_DESC(buckets, "Hash buckets per namespace, a power of two (default 16384)");

unsigned int flowsess_max_sessions = 262144;
module_param_named(max_sessions, flowsess_max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions, "Most sessions per namespace (default 262144)");

/* The close states age like nf_conntrack's; TIME_WAIT is short, SRX-like. */
void flowsess_config_defaults(struct flowsess_config *cfg)
{
	u32 initial = READ_ONCE(tcp_initial_timeout_ms);

	cfg->rst_invalidate_session = READ_ONCE(rst_invalidate_session);
	cfg->rst_grace_ms = READ_ONCE(rst_grace_ms);
	cfg->tcp_timeout_ms[FLOWSESS_TCP_NONE] = initial;
	cfg->tcp_timeout_ms[FLOWSESS_TCP_SYN_SENT] = initial;
	cfg->tcp_timeout_ms[FLOWSESS_TCP_SYN_RECV] = initial;
	cfg->tcp_timeout_ms[FLOWSESS_TCP_ESTABLISHED] = READ_ONCE(tcp_timeout_ms);
	cfg->tcp_timeout_ms[FLOWSESS_TCP_FIN_WAIT] = 120 * MSEC_PER_SEC;
	cfg->tcp_timeout_ms[FLOWSESS_TCP_CLOSE_WAIT] = 60 * MSEC_PER_SEC;
	cfg->tcp_timeout_ms[FLOWSESS_TCP_LAST_ACK] = 30 * MSEC_PER_SEC;
	cfg->tcp_timeout_ms[FLOWSESS_TCP_TIME_WAIT] = 2 * MSEC_PER_SEC;
	cfg->udp_timeout_ms = READ_ONCE(udp_timeout_ms);
	cfg->icmp_timeout_ms = READ_ONCE(icmp_timeout_ms);
	cfg->other_timeout_ms = READ_ONCE(other_timeout_ms);
}

static int __net_init flowsess_net_init(struct net *net)
{
	struct flowsess_net *fn = flowsess_pernet(net);
	int err;

	fn->net = net;
	flowsess_config_defaults(&fn->cfg);
	err = flowsess_stats_init(fn);
	if (err)
		return err;
	err = flowsess_table_init(&fn->table, fn, READ_ONCE(flowsess_buckets),
				  READ_ONCE(flowsess_max_sessions));
	if (err)
		goto err_stats;
	err = flowsess_hooks_register(net);
	if (err)
		goto err_table;
	return 0;

err_table:
	flowsess_table_destroy(&fn->table);
err_stats:
	flowsess_stats_free(fn);
	return err;
}

/*
 * nf_unregister_net_hooks() waits for packets in flight, so no session is
 * created after it; then the table is emptied (table.c, rule 7).
 */
static void __net_exit flowsess_net_exit(struct net *net)
{
	struct flowsess_net *fn = flowsess_pernet(net);

	flowsess_hooks_unregister(net);
	flowsess_table_destroy(&fn->table);
	flowsess_stats_free(fn);
}

static struct pernet_operations flowsess_net_ops = {
	.init	= flowsess_net_init,
	.exit	= flowsess_net_exit,
	.id	= &flowsess_net_id,
	.size	= sizeof(struct flowsess_net),
};

static int __init flowsess_init(void)
{
	int err;

	err = flowsess_cache_init();
	if (err)
		return err;
	err = register_pernet_subsys(&flowsess_net_ops);
	if (err)
		goto err_cache;
	err = flowsess_sysfs_init();
	if (err)
		goto err_pernet;
	err = flowsess_genl_init();
	if (err)
		goto err_sysfs;
	return 0;

err_sysfs:
	flowsess_sysfs_exit();
err_pernet:
	unregister_pernet_subsys(&flowsess_net_ops);
err_cache:
	flowsess_cache_exit();
	return err;
}

static void __exit flowsess_exit(void)
{
	flowsess_genl_exit();
	flowsess_sysfs_exit();
	unregister_pernet_subsys(&flowsess_net_ops);
	flowsess_cache_exit();
}

module_init(flowsess_init);
module_exit(flowsess_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRX-style flow-session table for routers");
MODULE_ALIAS_GENL_FAMILY(FLOWSESS_GENL_NAME);
