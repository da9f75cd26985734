/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel APIs flowsess uses that changed after 6.1, its base kernel.
 * Each helper has the newer kernels' shape and falls back to 6.1's. Kbuild
 * tests the kernel's headers for each feature (FLOWSESS_HAVE_*) rather than
 * its version, so kernels with backports get it right; no test appears
 * anywhere else. Built against Debian's 6.1 and 6.12 kernels.
 */
#ifndef _FLOWSESS_COMPAT_H
#define _FLOWSESS_COMPAT_H

#include <linux/hrtimer.h>
#include <net/genetlink.h>

/* hrtimer_setup() came in 6.13; hrtimer_init() went away later. */
static inline void flowsess_hrtimer_setup(struct hrtimer *timer,
					  enum hrtimer_restart (*fn)(struct hrtimer *),
					  clockid_t clock, enum hrtimer_mode mode)
{
#ifdef FLOWSESS_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/* Since 6.2 a dump's info holds a struct genl_info, with the attributes. */
static inline struct nlattr **flowsess_dumpit_attrs(struct netlink_callback *cb)
{
#ifdef FLOWSESS_HAVE_DUMPIT_GENL_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _FLOWSESS_COMPAT_H */
