/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * flowsess generic-netlink interface: the one definition of the wire format,
 * shared by the kernel module and the flowsess tool. docs/netlink/
 * flowsess.yaml describes it as data (the kernel's genetlink spec format);
 * make check holds the two to each other (tools/tests/check_spec.py).
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
 * FLOWSESS_CMD_GET_SESSIONS (dumpit, CAP_NET_ADMIN over the namespace)
 *   request: optional FLOWSESS_A_FILTER; every attribute given must match.
 *   reply: one message per session, each with a FLOWSESS_A_SESSION nest.
 *   A session that lives through the dump is reported exactly once, unless
 *   the hash resized itself during the dump: then its messages are flagged
 *   NLM_F_DUMP_INTR, and the reader should dump again.
 * FLOWSESS_CMD_CLEAR_SESSIONS (doit, CAP_NET_ADMIN over the namespace)
 *   request: optional FLOWSESS_A_FILTER; reply: FLOWSESS_A_COUNT, how many
 *   sessions were invalidated (reason FLOWSESS_REASON_FLUSH). A clear
 *   opens the namespace's pickup period (FLOWSESS_CFG_PICKUP_PERIOD_MS),
 *   so that the flows it cleared are picked up again, unless the request
 *   has FLOWSESS_A_NO_PICKUP.
 * FLOWSESS_CMD_SESSION_NEW, FLOWSESS_CMD_SESSION_DEL (events)
 *   multicast to group FLOWSESS_MCGRP_EVENTS (CAP_NET_ADMIN to join) when a
 *   session is created or invalidated: FLOWSESS_A_SESSION, with
 *   FLOWSESS_SA_REASON and FLOWSESS_SA_LIVE_KILL on SESSION_DEL.
 * FLOWSESS_CMD_SESSION_NEW, _UPDATE, _DEL (events for state sync)
 *   multicast to group FLOWSESS_MCGRP_SYNC (CAP_NET_ADMIN to join): the
 *   same, and SESSION_UPDATE when a TCP session changes state, a session
 *   becomes established (its reply), or one direction's sequence numbers
 *   pass a multiple of FLOWSESS_SYNC_PROGRESS_BYTES (so that a copy that
 *   missed no message is never further behind than that, well within
 *   what an imported session accepts). NEW and UPDATE carry what
 *   FLOWSESS_CMD_IMPORT_SESSION takes. Both groups share the namespace's
 *   event queue (8192): a sync listener's updates may crowd out events.
 * FLOWSESS_CMD_IMPORT_SESSION (doit, CAP_NET_ADMIN over the namespace)
 *   request: FLOWSESS_A_SESSION as a dump or a sync event exports it: the
 *   tuple (FAMILY, PROTO, SRC, DST, SPORT, DPORT), STATE, EXPIRES_MS, and
 *   optionally REPLIED, ESTABLISHED, TRAFFIC_AFTER_RST and, for TCP,
 *   TCP_ORIG and TCP_REPLY. Creates the session, or brings the one with
 *   that original tuple up to date; its deadline is EXPIRES_MS from now,
 *   at most the namespace's timeout for its state (a little later if the
 *   namespace's timeouts changed since that would date its last packet).
 *   An imported TCP session's sequence tracking is loose, as a pickup's
 *   (its copy may be behind by what was in flight). A session created so
 *   is reported (SESSION_NEW) as any other, but with FLOWSESS_SA_IMPORTED,
 *   which its dumps and events carry until a packet passes through it
 *   here (but a TCP segment out of the window's reach); an update is
 *   not reported.
 *   A session as a SESSION_DEL exports it (the tuple and FLOWSESS_SA_REASON,
 *   any reason but NONE) ends the live session with that original tuple
 *   instead, with reason FLOWSESS_REASON_SYNC; -ENOENT when there is none.
 *   With FLOWSESS_SA_IF_COPY, it ends that session only while it is a
 *   copy: imported, and no packet passed through it here since (the first
 *   one that does clears the mark); -ENOENT otherwise.
 *
 * Addresses are in network byte order, 4 bytes for AF_INET and 16 for
 * AF_INET6; ports are big-endian u16 attributes; a session is described in
 * its original direction (source = the side that opened it).
 */
#ifndef _UAPI_LINUX_FLOWSESS_H
#define _UAPI_LINUX_FLOWSESS_H

#define FLOWSESS_GENL_NAME	"flowsess"
#define FLOWSESS_GENL_VERSION	1
#define FLOWSESS_MCGRP_EVENTS	"events"
#define FLOWSESS_MCGRP_SYNC	"sync"

/* A sync event per this much progress of one direction's sequence numbers. */
#define FLOWSESS_SYNC_PROGRESS_BYTES	(256 * 1024)

enum flowsess_cmd {
	FLOWSESS_CMD_UNSPEC,
	FLOWSESS_CMD_GET_STATS,
	FLOWSESS_CMD_GET_CONFIG,
	FLOWSESS_CMD_SET_CONFIG,
	FLOWSESS_CMD_GET_SESSIONS,
	FLOWSESS_CMD_CLEAR_SESSIONS,
	FLOWSESS_CMD_SESSION_NEW,
	FLOWSESS_CMD_SESSION_DEL,
	FLOWSESS_CMD_SESSION_UPDATE,
	FLOWSESS_CMD_IMPORT_SESSION,
	__FLOWSESS_CMD_MAX
};

#define FLOWSESS_CMD_MAX (__FLOWSESS_CMD_MAX - 1)

enum flowsess_attr {
	FLOWSESS_A_UNSPEC,
	FLOWSESS_A_PAD,
	FLOWSESS_A_STATS,		/* nest of enum flowsess_stat */
	FLOWSESS_A_CONFIG,		/* nest of enum flowsess_config_attr */
	FLOWSESS_A_FILTER,		/* nest of enum flowsess_filter_attr */
	FLOWSESS_A_SESSION,		/* nest of enum flowsess_session_attr */
	FLOWSESS_A_COUNT,		/* u32 */
	FLOWSESS_A_NO_PICKUP,		/* flag: a clear opens no pickup period */
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
	FLOWSESS_STAT_DROP_FRAGMENT,	/* a fragment reassembly refused */
	/*
	 * Passed without a session: ICMP neither echo nor error; in the
	 * pickup period, a FIN or RST of a connection not picked up.
	 */
	FLOWSESS_STAT_UNTRACKED,
	/*
	 * Sessions the RST grace timer invalidated after they carried a SYN
	 * or data that arrived after the RST: a connection killed alive.
	 */
	FLOWSESS_STAT_RST_TIMER_LIVE_KILLS,
	FLOWSESS_STAT_INVALIDATED_FIN,	/* FIN, fin-invalidate-session on */
	FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT, /* aged early, table under pressure */
	FLOWSESS_STAT_EVICTED_UNESTABLISHED, /* replaced by a new session, table full */
	FLOWSESS_STAT_EVICTED_EARLY_AGEOUT, /* idle past early-ageout, table full */
	FLOWSESS_STAT_DROP_TCP_WINDOW,	/* a TCP segment outside the window */
	FLOWSESS_STAT_DROP_RST_SEQUENCE, /* a RST with an unexpected sequence */
	FLOWSESS_STAT_DROP_STRICT_SYN,	/* data before the handshake completed */
	FLOWSESS_STAT_SYN_REOPENS,	/* syn-reopen: a SYN revived a RST session */
	FLOWSESS_STAT_SESSIONS_MIDSTREAM, /* created by a non-SYN (picked up) */
	FLOWSESS_STAT_EVENTS_LOST,	/* events queue full, or no memory */
	FLOWSESS_STAT_ICMP_RELATED,	/* ICMP errors of a live session, passed */
	FLOWSESS_STAT_DROP_ICMP_UNRELATED, /* ICMP errors of no live session */
	FLOWSESS_STAT_PICKUP_REMAINING_MS, /* a gauge: the pickup period's rest */
	FLOWSESS_STAT_SESSIONS_UNESTABLISHED, /* a gauge: not established */
	FLOWSESS_STAT_MAX_SESSIONS,	/* a gauge: the most the table may hold */
	/* Gauges: the sessions in the table by protocol, TCP's by state. */
	FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT,
	FLOWSESS_STAT_SESSIONS_TCP_SYN_RECV,
	FLOWSESS_STAT_SESSIONS_TCP_ESTABLISHED,
	FLOWSESS_STAT_SESSIONS_TCP_FIN_WAIT,
	FLOWSESS_STAT_SESSIONS_TCP_CLOSE_WAIT,
	FLOWSESS_STAT_SESSIONS_TCP_LAST_ACK,
	FLOWSESS_STAT_SESSIONS_TCP_TIME_WAIT,
	FLOWSESS_STAT_SESSIONS_TCP_CLOSE,
	FLOWSESS_STAT_SESSIONS_UDP,
	FLOWSESS_STAT_SESSIONS_UDPLITE,
	FLOWSESS_STAT_SESSIONS_ICMP,	/* echoes */
	FLOWSESS_STAT_SESSIONS_ICMPV6,	/* echoes */
	FLOWSESS_STAT_SESSIONS_OTHER,	/* every other protocol */
	FLOWSESS_STAT_SESSIONS_IMPORTED, /* created or updated by an import */
	FLOWSESS_STAT_INVALIDATED_SYNC,	/* ended by an import of its end */
	__FLOWSESS_STAT_MAX
};

#define FLOWSESS_STAT_MAX (__FLOWSESS_STAT_MAX - 1)

/*
 * The counters' names: the file names under /sys/kernel/flowsess/ and the
 * flowsess tool's labels. An initializer for const char *[].
 */
#define FLOWSESS_STAT_NAMES {						\
	[FLOWSESS_STAT_PACKETS_IPV4] = "packets_ipv4",			\
	[FLOWSESS_STAT_PACKETS_IPV6] = "packets_ipv6",			\
	[FLOWSESS_STAT_SESSIONS_ACTIVE] = "sessions_active",		\
	[FLOWSESS_STAT_SESSIONS_CREATED] = "sessions_created",		\
	[FLOWSESS_STAT_INVALIDATED_IDLE] = "invalidated_idle",		\
	[FLOWSESS_STAT_INVALIDATED_RST] = "invalidated_rst",		\
	[FLOWSESS_STAT_INVALIDATED_RST_TIMER] = "invalidated_rst_timer", \
	[FLOWSESS_STAT_INVALIDATED_CLOSE] = "invalidated_close",	\
	[FLOWSESS_STAT_INVALIDATED_FLUSH] = "invalidated_flush",	\
	[FLOWSESS_STAT_INVALIDATED_REOPEN] = "invalidated_reopen",	\
	[FLOWSESS_STAT_DROP_NO_SESSION] = "drop_no_session",		\
	[FLOWSESS_STAT_DROP_BAD_HEADER] = "drop_bad_header",		\
	[FLOWSESS_STAT_DROP_TABLE_FULL] = "drop_table_full",		\
	[FLOWSESS_STAT_DROP_NOMEM] = "drop_nomem",			\
	[FLOWSESS_STAT_DROP_TCP_STATE] = "drop_tcp_state",		\
	[FLOWSESS_STAT_DROP_FRAGMENT] = "drop_fragment",		\
	[FLOWSESS_STAT_UNTRACKED] = "untracked",			\
	[FLOWSESS_STAT_RST_TIMER_LIVE_KILLS] = "rst_timer_live_kills",	\
	[FLOWSESS_STAT_INVALIDATED_FIN] = "invalidated_fin",		\
	[FLOWSESS_STAT_INVALIDATED_EARLY_AGEOUT] = "invalidated_early_ageout", \
	[FLOWSESS_STAT_EVICTED_UNESTABLISHED] = "evicted_unestablished", \
	[FLOWSESS_STAT_EVICTED_EARLY_AGEOUT] = "evicted_early_ageout",	\
	[FLOWSESS_STAT_DROP_TCP_WINDOW] = "drop_tcp_window",		\
	[FLOWSESS_STAT_DROP_RST_SEQUENCE] = "drop_rst_sequence",	\
	[FLOWSESS_STAT_DROP_STRICT_SYN] = "drop_strict_syn",		\
	[FLOWSESS_STAT_SYN_REOPENS] = "syn_reopens",			\
	[FLOWSESS_STAT_SESSIONS_MIDSTREAM] = "sessions_midstream",	\
	[FLOWSESS_STAT_EVENTS_LOST] = "events_lost",			\
	[FLOWSESS_STAT_ICMP_RELATED] = "icmp_related",			\
	[FLOWSESS_STAT_DROP_ICMP_UNRELATED] = "drop_icmp_unrelated",	\
	[FLOWSESS_STAT_PICKUP_REMAINING_MS] = "pickup_remaining_ms",	\
	[FLOWSESS_STAT_SESSIONS_UNESTABLISHED] = "sessions_unestablished", \
	[FLOWSESS_STAT_MAX_SESSIONS] = "max_sessions",			\
	[FLOWSESS_STAT_SESSIONS_TCP_SYN_SENT] = "sessions_tcp_syn_sent", \
	[FLOWSESS_STAT_SESSIONS_TCP_SYN_RECV] = "sessions_tcp_syn_recv", \
	[FLOWSESS_STAT_SESSIONS_TCP_ESTABLISHED] = "sessions_tcp_established", \
	[FLOWSESS_STAT_SESSIONS_TCP_FIN_WAIT] = "sessions_tcp_fin_wait", \
	[FLOWSESS_STAT_SESSIONS_TCP_CLOSE_WAIT] = "sessions_tcp_close_wait", \
	[FLOWSESS_STAT_SESSIONS_TCP_LAST_ACK] = "sessions_tcp_last_ack", \
	[FLOWSESS_STAT_SESSIONS_TCP_TIME_WAIT] = "sessions_tcp_time_wait", \
	[FLOWSESS_STAT_SESSIONS_TCP_CLOSE] = "sessions_tcp_close",	\
	[FLOWSESS_STAT_SESSIONS_UDP] = "sessions_udp",			\
	[FLOWSESS_STAT_SESSIONS_UDPLITE] = "sessions_udplite",		\
	[FLOWSESS_STAT_SESSIONS_ICMP] = "sessions_icmp",		\
	[FLOWSESS_STAT_SESSIONS_ICMPV6] = "sessions_icmpv6",		\
	[FLOWSESS_STAT_SESSIONS_OTHER] = "sessions_other",		\
	[FLOWSESS_STAT_SESSIONS_IMPORTED] = "sessions_imported",	\
	[FLOWSESS_STAT_INVALIDATED_SYNC] = "invalidated_sync",		\
}

/* The knobs of a namespace, inside FLOWSESS_A_CONFIG. Times in ms. */
enum flowsess_config_attr {
	FLOWSESS_CFG_UNSPEC,
	FLOWSESS_CFG_RST_INVALIDATE_SESSION,	/* u8, 0 or 1 */
	FLOWSESS_CFG_RST_GRACE_MS,		/* u32, 0 .. 600 000 */
	FLOWSESS_CFG_TCP_INITIAL_TIMEOUT_MS,	/* u32, 20 000 .. 300 000 */
	FLOWSESS_CFG_TCP_TIMEOUT_MS,		/* u32, established; 1 .. 604 800 000 */
	FLOWSESS_CFG_UDP_TIMEOUT_MS,		/* u32, same range */
	FLOWSESS_CFG_ICMP_TIMEOUT_MS,		/* u32, same range */
	FLOWSESS_CFG_OTHER_TIMEOUT_MS,		/* u32, same range */
	FLOWSESS_CFG_MAX_SESSIONS,		/* u32, 1 .. 16 777 216 */
	FLOWSESS_CFG_NO_SYN_CHECK,		/* u8, 0 or 1 */
	FLOWSESS_CFG_STRICT_SYN_CHECK,		/* u8, 0 or 1; not with the above */
	FLOWSESS_CFG_NO_SEQUENCE_CHECK,		/* u8, 0 or 1 */
	FLOWSESS_CFG_RST_SEQUENCE_CHECK,	/* u8, 0 or 1 */
	FLOWSESS_CFG_FIN_INVALIDATE_SESSION,	/* u8, 0 or 1 */
	FLOWSESS_CFG_TIME_WAIT_STATE,		/* u8, enum flowsess_time_wait */
	FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS,	/* u32, 2 000 .. 600 000 */
	FLOWSESS_CFG_SYN_REOPEN,		/* u8, 0 or 1 */
	FLOWSESS_CFG_EARLY_AGEOUT_MS,		/* u32, 1 000 .. 65 535 000 */
	FLOWSESS_CFG_HIGH_WATERMARK,		/* u8, percent of max-sessions */
	FLOWSESS_CFG_LOW_WATERMARK,		/* u8, percent; at most the high */
	FLOWSESS_CFG_ACCOUNTING,		/* u8, 0 or 1: new sessions count */
	FLOWSESS_CFG_PICKUP_PERIOD_MS,		/* u32, 0 .. 3 600 000 */
	__FLOWSESS_CFG_MAX
};

#define FLOWSESS_CFG_MAX (__FLOWSESS_CFG_MAX - 1)

#define FLOWSESS_RST_GRACE_MS_MAX	600000U
#define FLOWSESS_TIMEOUT_MS_MAX		604800000U	/* 7 days */
#define FLOWSESS_TCP_INITIAL_TIMEOUT_MS_MIN 20000U	/* the SRX's range */
#define FLOWSESS_TCP_INITIAL_TIMEOUT_MS_MAX 300000U
#define FLOWSESS_TIME_WAIT_TIMEOUT_MS_MIN 2000U
#define FLOWSESS_TIME_WAIT_TIMEOUT_MS_MAX 600000U
#define FLOWSESS_EARLY_AGEOUT_MS_MIN	1000U
#define FLOWSESS_EARLY_AGEOUT_MS_MAX	65535000U
#define FLOWSESS_MAX_SESSIONS_MAX	16777216U
#define FLOWSESS_PICKUP_PERIOD_MS_MAX	3600000U

/*
 * What a TCP session closed by FINs or by a RST (rst-invalidate-session
 * off) becomes: with OFF, TIME_WAIT for 2 s after FINs and CLOSE for the
 * RST grace delay after a RST; otherwise TIME_WAIT, for the TCP idle
 * timeout (SESSION_AGEOUT) or for FLOWSESS_CFG_TIME_WAIT_TIMEOUT_MS
 * (SESSION_TIMEOUT). A SYN on a TIME_WAIT session opens a new session.
 */
enum flowsess_time_wait {
	FLOWSESS_TIME_WAIT_OFF,
	FLOWSESS_TIME_WAIT_SESSION_AGEOUT,
	FLOWSESS_TIME_WAIT_SESSION_TIMEOUT,
	__FLOWSESS_TIME_WAIT_MAX
};

/* One session, inside FLOWSESS_A_SESSION. */
enum flowsess_session_attr {
	FLOWSESS_SA_UNSPEC,
	FLOWSESS_SA_FAMILY,		/* u8, AF_INET or AF_INET6 */
	FLOWSESS_SA_PROTO,		/* u8, IPPROTO_* */
	FLOWSESS_SA_SRC,		/* binary, the address */
	FLOWSESS_SA_DST,		/* binary, the address */
	FLOWSESS_SA_SPORT,		/* be16; the echo identifier for ICMP */
	FLOWSESS_SA_DPORT,		/* be16; the echo identifier for ICMP */
	FLOWSESS_SA_STATE,		/* u8, enum flowsess_tcp_state */
	FLOWSESS_SA_EXPIRES_MS,		/* u32, until its deadline */
	FLOWSESS_SA_REASON,		/* u8, enum flowsess_reason */
	FLOWSESS_SA_LIVE_KILL,		/* flag: traffic after the RST */
	FLOWSESS_SA_ID,			/* u32, the session's id while it lives */
	FLOWSESS_SA_IIF,		/* u32, ifindex the first packet came in */
	FLOWSESS_SA_OIF,		/* u32, ifindex it went out */
	FLOWSESS_SA_AGE_S,		/* u32, seconds since it was created */
	FLOWSESS_SA_IDLE_MS,		/* u32, since its last packet */
	FLOWSESS_SA_PAD,
	FLOWSESS_SA_PACKETS_ORIG,	/* u64, with accounting: original */
	FLOWSESS_SA_BYTES_ORIG,		/* u64, direction, IP lengths */
	FLOWSESS_SA_PACKETS_REPLY,	/* u64, and reply direction */
	FLOWSESS_SA_BYTES_REPLY,	/* u64 */
	FLOWSESS_SA_REPLIED,		/* flag: the reply direction was seen */
	FLOWSESS_SA_ESTABLISHED,	/* flag: counts as established (eviction) */
	FLOWSESS_SA_TRAFFIC_AFTER_RST,	/* flag: CLOSE, and a SYN or data since */
	FLOWSESS_SA_TCP_ORIG,		/* nest of enum flowsess_tcp_peer_attr */
	FLOWSESS_SA_TCP_REPLY,		/* nest, the same of the reply direction */
	FLOWSESS_SA_IMPORTED,		/* flag: a copy, made by an import; no packet since */
	FLOWSESS_SA_IF_COPY,		/* flag, an imported end's: only while a copy */
	__FLOWSESS_SA_MAX
};

#define FLOWSESS_SA_MAX (__FLOWSESS_SA_MAX - 1)

/* One direction of a TCP session, for sequence checking, inside SA_TCP_*. */
enum flowsess_tcp_peer_attr {
	FLOWSESS_TCP_PEER_UNSPEC,
	FLOWSESS_TCP_PEER_END,		/* u32, after the highest sequence sent */
	FLOWSESS_TCP_PEER_MAXEND,	/* u32, the right edge the other allowed */
	FLOWSESS_TCP_PEER_MAXWIN,	/* u32, the largest window, scaled */
	FLOWSESS_TCP_PEER_SCALE,	/* u8, 0 .. 14: its window scale */
	FLOWSESS_TCP_PEER_FLAGS,	/* u8, FLOWSESS_TCP_PEER_F_* */
	__FLOWSESS_TCP_PEER_MAX
};

#define FLOWSESS_TCP_PEER_MAX (__FLOWSESS_TCP_PEER_MAX - 1)

#define FLOWSESS_TCP_PEER_F_WSCALE	0x1	/* sent the window scale option */
#define FLOWSESS_TCP_PEER_F_LOOSE	0x2	/* tracked loosely: scale unknown */

/*
 * Which sessions a dump or a clear selects, inside FLOWSESS_A_FILTER. The
 * attributes match the original direction, but ADDR and PORT, which match
 * either. An address needs no family attribute: its length gives the
 * family.
 */
enum flowsess_filter_attr {
	FLOWSESS_FILTER_UNSPEC,
	FLOWSESS_FILTER_FAMILY,		/* u8, AF_INET or AF_INET6 */
	FLOWSESS_FILTER_PROTO,		/* u8, IPPROTO_* */
	FLOWSESS_FILTER_SRC,		/* binary, 4 or 16 bytes */
	FLOWSESS_FILTER_SRC_PREFIXLEN,	/* u8; without it the whole address */
	FLOWSESS_FILTER_DST,		/* binary, 4 or 16 bytes */
	FLOWSESS_FILTER_DST_PREFIXLEN,	/* u8 */
	FLOWSESS_FILTER_SPORT,		/* be16 */
	FLOWSESS_FILTER_DPORT,		/* be16 */
	FLOWSESS_FILTER_STATE,		/* u8, enum flowsess_tcp_state */
	FLOWSESS_FILTER_ID,		/* u32, the session's id */
	FLOWSESS_FILTER_ADDR,		/* binary, 4 or 16 bytes: src or dst */
	FLOWSESS_FILTER_ADDR_PREFIXLEN,	/* u8 */
	FLOWSESS_FILTER_PORT,		/* be16: sport or dport */
	FLOWSESS_FILTER_IIF,		/* u32, an ifindex */
	FLOWSESS_FILTER_OIF,		/* u32, an ifindex */
	FLOWSESS_FILTER_REPLIED,	/* u8, 0 or 1: the reply direction seen */
	__FLOWSESS_FILTER_MAX
};

#define FLOWSESS_FILTER_MAX (__FLOWSESS_FILTER_MAX - 1)

/* Why a session was invalidated (events, session dumps). */
enum flowsess_reason {
	FLOWSESS_REASON_NONE,
	FLOWSESS_REASON_IDLE,
	FLOWSESS_REASON_RST,
	FLOWSESS_REASON_RST_TIMER,
	FLOWSESS_REASON_CLOSE,
	FLOWSESS_REASON_FLUSH,		/* cleared, namespace or module gone */
	FLOWSESS_REASON_REOPEN,
	FLOWSESS_REASON_FIN,		/* fin-invalidate-session */
	FLOWSESS_REASON_EARLY_AGEOUT,	/* the table was under pressure */
	FLOWSESS_REASON_EVICT,		/* the table was full: a new session won */
	FLOWSESS_REASON_SYNC,		/* ended where it was imported from */
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
