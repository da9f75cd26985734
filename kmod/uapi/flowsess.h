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
 * FLOWSESS_CMD_GET_CONFIG (doit)
 *   reply: FLOWSESS_A_CONFIG, a nest of every enum flowsess_config_attr.
 * FLOWSESS_CMD_SET_CONFIG (doit, CAP_NET_ADMIN over the namespace)
 *   request: FLOWSESS_A_CONFIG with the knobs to change; all or nothing.
 */
#ifndef _UAPI_LINUX_FLOWSESS_H
#define _UAPI_LINUX_FLOWSESS_H

#define FLOWSESS_GENL_NAME	"flowsess"
#define FLOWSESS_GENL_VERSION	1

enum flowsess_cmd {
	FLOWSESS_CMD_UNSPEC,
	FLOWSESS_CMD_GET_STATS,
	FLOWSESS_CMD_GET_CONFIG,
	FLOWSESS_CMD_SET_CONFIG,
	__FLOWSESS_CMD_MAX
};

#define FLOWSESS_CMD_MAX (__FLOWSESS_CMD_MAX - 1)

enum flowsess_attr {
	FLOWSESS_A_UNSPEC,
	FLOWSESS_A_PAD,
	FLOWSESS_A_STATS,		/* nest of enum flowsess_stat */
	FLOWSESS_A_CONFIG,		/* nest of enum flowsess_config_attr */
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
	FLOWSESS_STAT_SESSIONS_ACTIVE,	/* a gauge: sessions in the table now */
	FLOWSESS_STAT_SESSIONS_CREATED,
	FLOWSESS_STAT_INVALIDATED_IDLE,	/* idle timeout */
	FLOWSESS_STAT_INVALIDATED_RST,	/* RST, rst-invalidate-session on */
	FLOWSESS_STAT_INVALIDATED_RST_TIMER, /* RST grace timer expired */
	FLOWSESS_STAT_INVALIDATED_CLOSE, /* FIN / close states aged out */
	FLOWSESS_STAT_INVALIDATED_FLUSH, /* cleared, namespace or module gone */
	FLOWSESS_STAT_INVALIDATED_REOPEN, /* a SYN replaced a TIME_WAIT session */
	FLOWSESS_STAT_DROP_NO_SESSION,	/* no session, and may not create one */
	FLOWSESS_STAT_DROP_BAD_HEADER,	/* truncated or malformed L4 header */
	FLOWSESS_STAT_DROP_TABLE_FULL,	/* max_sessions reached */
	FLOWSESS_STAT_DROP_NOMEM,	/* session allocation failed */
	FLOWSESS_STAT_DROP_TCP_STATE,	/* a TCP segment invalid in its state */
	FLOWSESS_STAT_FRAGMENTS,	/* non-first fragments, passed untracked */
	FLOWSESS_STAT_UNTRACKED,	/* ICMP errors and the like, passed */
	/*
	 * Sessions the RST grace timer invalidated after they carried a SYN
	 * or data that arrived after the RST: a connection killed alive.
	 */
	FLOWSESS_STAT_RST_TIMER_LIVE_KILLS,
	__FLOWSESS_STAT_MAX
};

#define FLOWSESS_STAT_MAX (__FLOWSESS_STAT_MAX - 1)

/* The knobs of a namespace, inside FLOWSESS_A_CONFIG. Times in ms. */
enum flowsess_config_attr {
	FLOWSESS_CFG_UNSPEC,
	FLOWSESS_CFG_RST_INVALIDATE_SESSION,	/* u8, 0 or 1 */
	FLOWSESS_CFG_RST_GRACE_MS,		/* u32, 0 .. 600 000 */
	FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS,	/* u32, 1 .. 604 800 000 */
	FLOWSESS_CFG_TCP_TIMEOUT_MS,		/* u32, established; same range */
	FLOWSESS_CFG_UDP_TIMEOUT_MS,		/* u32, same range */
	FLOWSESS_CFG_ICMP_TIMEOUT_MS,		/* u32, same range */
	FLOWSESS_CFG_OTHER_TIMEOUT_MS,		/* u32, same range */
	FLOWSESS_CFG_MAX_SESSIONS,		/* u32, 1 .. 16 777 216 */
	__FLOWSESS_CFG_MAX
};

#define FLOWSESS_CFG_MAX (__FLOWSESS_CFG_MAX - 1)

#define FLOWSESS_RST_GRACE_MS_MAX	600000U
#define FLOWSESS_TIMEOUT_MS_MAX		604800000U	/* 7 days */
#define FLOWSESS_MAX_SESSIONS_MAX	16777216U

/* Why a session was invalidated (events, session dumps). */
enum flowsess_reason {
	FLOWSESS_REASON_NONE,
	FLOWSESS_REASON_IDLE,
	FLOWSESS_REASON_RST,
	FLOWSESS_REASON_RST_TIMER,
	FLOWSESS_REASON_CLOSE,
	FLOWSESS_REASON_FLUSH,
	FLOWSESS_REASON_REOPEN,
	__FLOWSESS_REASON_MAX
};

/* Session states. Sessions that are not TCP are NONE. */
enum flowsess_tcp_state {
	FLOWSESS_TCP_NONE,
	FLOWSESS_TCP_SYN_SENT,
	FLOWSESS_TCP_SYN_RECV,
	FLOWSESS_TCP_ESTABLISHED,
	FLOWSESS_TCP_FIN_WAIT,
	FLOWSESS_TCP_CLOSE_WAIT,
	FLOWSESS_TCP_LAST_ACK,
	FLOWSESS_TCP_TIME_WAIT,
	FLOWSESS_TCP_CLOSE,	/* a RST was seen; waiting for the grace timer */
	__FLOWSESS_TCP_MAX
};

#endif /* _UAPI_LINUX_FLOWSESS_H */
