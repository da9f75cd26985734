/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel APIs flowsess uses that changed after 6.1, its base kernel.
 * Each helper has the newer kernels' shape and falls back to 6.1's; no
 * version check appears anywhere else. Built and tested against Debian's
 * 6.1 and 6.12 kernels.
 */
#ifndef _FLOWSESS_COMPAT_H
#define _FLOWSESS_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* 6.13 added hrtimer_setup(); hrtimer_init() went away later. */
static inline void flowsess_hrtimer_setup(struct hrtimer *timer,
					  enum hrtimer_restart (*fn)(struct hrtimer *),
					  clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/* 6.2 put a struct genl_info, with the parsed attributes, in dumps' info. */
static inline struct nlattr **flowsess_dumpit_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _FLOWSESS_COMPAT_H */
