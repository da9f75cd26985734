// SPDX-License-Identifier: GPL-2.0
/*
 * The counters of the initial network namespace, the one a router admin
 * means, as read-only files under /sys/kernel/flowsess/: one value per
 * file, named as in FLOWSESS_STAT_NAMES. Other namespaces read theirs with
 * FLOWSESS_CMD_GET_STATS. The directory exists from module init, after the
 * pernet state, until module exit, before it.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

static const char *const flowsess_stat_names[__FLOWSESS_STAT_MAX] = FLOWSESS_STAT_NAMES;

struct flowsess_stat_attr {
	struct kobj_attribute kattr;
	enum flowsess_stat stat;
};

static struct kobject *flowsess_kobj;
static struct flowsess_stat_attr flowsess_stat_attrs[__FLOWSESS_STAT_MAX];
static struct attribute *flowsess_attrs[__FLOWSESS_STAT_MAX + 1];

static const struct attribute_group flowsess_attr_group = {
	.attrs = flowsess_attrs,
};

static ssize_t flowsess_stat_show(struct kobject *kobj,
				  struct kobj_attribute *kattr, char *buf)
{
	const struct flowsess_stat_attr *a =
		container_of(kattr, struct flowsess_stat_attr, kattr);
	u64 sum[__FLOWSESS_STAT_MAX];

	flowsess_stats_read(flowsess_pernet(&init_net), sum);
	return sysfs_emit(buf, "%llu\n", sum[a->stat]);
}

int __init flowsess_sysfs_init(void)
{
	unsigned int i, n = 0;
	int err;

	for (i = 0; i < __FLOWSESS_STAT_MAX; i++) {
		struct flowsess_stat_attr *a = &flowsess_stat_attrs[n];

		if (!flowsess_stat_names[i])
			continue;
		sysfs_attr_init(&a->kattr.attr);
		a->kattr.attr.name = flowsess_stat_names[i];
		a->kattr.attr.mode = 0444;
		a->kattr.show = flowsess_stat_show;
		a->stat = i;
		flowsess_attrs[n++] = &a->kattr.attr;
	}

	flowsess_kobj = kobject_create_and_add("flowsess", kernel_kobj);
	if (!flowsess_kobj)
		return -ENOMEM;
	err = sysfs_create_group(flowsess_kobj, &flowsess_attr_group);
	if (err)
		kobject_put(flowsess_kobj);
	return err;
}

void flowsess_sysfs_exit(void)
{
	sysfs_remove_group(flowsess_kobj, &flowsess_attr_group);
	kobject_put(flowsess_kobj);
}
