// SPDX-License-Identifier: GPL-2.0
/*
 * flowsess: module init and exit, and the per network namespace lifetime.
 *
 * Order: the pernet operations come first, so that every namespace has its
 * state before generic netlink can reach it; on exit, generic netlink goes
 * first, so that no request can arrive while namespaces are torn down.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "flowsess.h"

unsigned int flowsess_net_id __read_mostly;

static int __net_init flowsess_net_init(struct net *net)
{
	struct flowsess_net *fn = flowsess_pernet(net);
	int err;

	fn->net = net;
	err = flowsess_stats_init(fn);
	if (err)
		return err;

	err = flowsess_hooks_register(net);
	if (err) {
		flowsess_stats_free(fn);
		return err;
	}
	return 0;
}

/* nf_unregister_net_hooks() waits for packets in flight before we free. */
static void __net_exit flowsess_net_exit(struct net *net)
{
	struct flowsess_net *fn = flowsess_pernet(net);

	flowsess_hooks_unregister(net);
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

	err = register_pernet_subsys(&flowsess_net_ops);
	if (err)
		return err;

	err = flowsess_genl_init();
	if (err) {
		unregister_pernet_subsys(&flowsess_net_ops);
		return err;
	}
	return 0;
}

static void __exit flowsess_exit(void)
{
	flowsess_genl_exit();
	unregister_pernet_subsys(&flowsess_net_ops);
}

module_init(flowsess_init);
module_exit(flowsess_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRX-style flow-session table for routers");
MODULE_ALIAS_GENL_FAMILY(FLOWSESS_GENL_NAME);
