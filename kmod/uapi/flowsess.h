/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * flowsess generic-netlink interface: the one definition of the wire format,
 * shared by the kernel module and the flowsess tool.
 *
 * Family FLOWSESS_GENL_NAME, version FLOWSESS_GENL_VERSION. Every command acts
 * on the network namespace of the requesting socket.
 *
 * FLOWSESS_CMD_GET_STATS (doit)
 *   reply: FLOWSESS_A_STATS, a nest of one u64 per enum flowsess_stat,
 *   summed over all CPUs.
 */
#ifndef _UAPI_LINUX_FLOWSESS_H
#define _UAPI_LINUX_FLOWSESS_H

#define FLOWSESS_GENL_NAME	"flowsess"
#define FLOWSESS_GENL_VERSION	1

enum flowsess_cmd {
	FLOWSESS_CMD_UNSPEC,
	FLOWSESS_CMD_GET_STATS,
	__FLOWSESS_CMD_MAX
};
#define FLOWSESS_CMD_MAX (__FLOWSESS_CMD_MAX - 1)

enum flowsess_attr {
	FLOWSESS_A_UNSPEC,
	FLOWSESS_A_PAD,
	FLOWSESS_A_STATS,		/* nest of enum flowsess_stat */
	__FLOWSESS_A_MAX
};
#define FLOWSESS_A_MAX (__FLOWSESS_A_MAX - 1)

/*
 * Counters, each a u64 attribute inside FLOWSESS_A_STATS. The attribute type
 * is the counter's index; new counters are only ever appended.
 */
enum flowsess_stat {
	FLOWSESS_STAT_UNSPEC,
	FLOWSESS_STAT_PAD,
	FLOWSESS_STAT_PACKETS_IPV4,	/* IPv4 packets seen by the hooks */
	FLOWSESS_STAT_PACKETS_IPV6,	/* IPv6 packets seen by the hooks */
	__FLOWSESS_STAT_MAX
};
#define FLOWSESS_STAT_MAX (__FLOWSESS_STAT_MAX - 1)

#endif /* _UAPI_LINUX_FLOWSESS_H */
