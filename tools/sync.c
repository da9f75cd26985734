// SPDX-License-Identifier: GPL-2.0
/*
 * flowsess sync: a copy of this router's session table on its peers, so
 * that a failover is invisible to the connections crossing it. The
 * protocol is docs/sync.md; keepalived's part, docs/ha.md.
 *
 * One thread, one poll loop. Data flows one way in each role:
 *
 *   master: the module's sync group, and dumps of the table (a peer asked,
 *           or the refresh period passed) -> a queue of records ->
 *           numbered SESSIONS messages, at most `rate` bytes a second ->
 *           every peer; the last RING of them are kept for NACKs.
 *   any:    a configured peer's messages -> checked whole (sync_wire.c) ->
 *           in order of their numbers -> IMPORT_SESSION, one per record.
 *
 * A receiver that misses a message holds what comes after it (HOLD) and
 * asks for it again (NACK); if it does not come in GAP_MS, or cannot be
 * held, the receiver counts it lost and goes on; a backup then asks for
 * the whole table (RESYNC), as it does when it starts, becomes backup, or
 * sees its peer restart (a new instance). keepalived tells the daemon its role
 * through the control socket (flowsess sync master|backup).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/sock_diag.h>

#include "tool.h"
#include "sync.h"

#define RING		1024		/* sent SESSIONS kept for NACKs */
#define HOLD		RING		/* received ahead of a gap */
#define BATCH		32		/* events read at a time */
#define PEER_BATCH	8		/* datagrams: each may be a dozen imports */
#define PEERS_MAX	8
#define QUEUE_MAX	(64u << 20)	/* records waiting for the rate */
#define DUMP_LOW	(256u << 10)	/* read the dump while fewer wait */
#define GAP_MS		500		/* a gap not filled by then is lost */
#define NACK_MS		30		/* between NACKs of one gap */
#define ALIVE_MS	1000		/* a master's ALIVE */
#define RESYNC_RETRY_MS	2000		/* a RESYNC not answered by then */
#define DUMP_RETRY_MS	200		/* a dump a resize cut short: again after */
#define TICK_MS		50
/* In the queue only: a whole table's start and end, and its records. */
#define REC_END		0
#define REC_START	0x3fff
#define REC_TABLE	NLA_F_NET_BYTEORDER
#define ENDED_MAX	(1u << 20)	/* slots: tuples ended during a dump */
#define LISTED_MAX	(1u << 24)	/* slots: tuples a received table listed */

/* A set of tuple_key()s: open addressing, 0 for an empty slot. */
struct keyset {
	uint64_t *slot;
	size_t n, cap;
};

struct msg {
	uint32_t seq;
	uint16_t len;
	uint8_t buf[FS_SYNC_MSG_MAX];
};

struct peer {
	struct sockaddr_storage addr;
	socklen_t alen;
	char name[INET6_ADDRSTRLEN];
	bool known;			/* instance and next are set */
	uint32_t instance;
	uint32_t next;			/* the SESSIONS expected next */
	uint32_t last;			/* the last SESSIONS it said it sent */
	struct msg hold[HOLD];
	bool held[HOLD];
	int64_t gap_since, nack_at;	/* a gap: since, next NACK; 0: none */
	int64_t resync_asked;		/* 0: not waiting for a table */
	bool table_started;		/* ... and one began since it was asked */
	int64_t waiting_since;		/* ... and since when, first asked */
	int64_t table_at;		/* its last message of a table */
	/*
	 * The tuples of a whole table being received, and of the changes
	 * that came with it; listing: since its start, with no gap given up.
	 */
	struct keyset listed;
	bool listing;
	int64_t listing_since;		/* ... since when */
	int64_t master_at;		/* its last SESSIONS or ALIVE: a master's */
};

/* The counters `flowsess sync status` prints, in this order. */
#define SYNC_COUNTERS(X)						\
	X(sent, "SESSIONS messages sent (retransmissions not counted)")	\
	X(sent_bytes, "... their bytes")				\
	X(retransmitted, "SESSIONS sent again for a NACK")		\
	X(resyncs_sent, "whole tables begun (a RESYNC, the refresh, a retry)") \
	X(received, "SESSIONS messages received from peers, in order")	\
	X(received_bytes, "... their bytes")				\
	X(lost, "SESSIONS never received (a gap given up)")		\
	X(resyncs, "whole tables asked of peers")			\
	X(resyncs_received, "... and received to their end")		\
	X(tables_received, "whole tables received, asked for or not, none of it lost") \
	X(imported, "records the module took")			\
	X(import_errors, "records the module refused")			\
	X(refused, "messages from addresses that are not peers")	\
	X(malformed, "messages dropped: not well-formed")		\
	X(auth_failed, "messages dropped: MAC missing or wrong")	\
	X(overflows, "times the queue was dropped for the table: more than the rate") \
	X(events_lost, "a master's: module events lost before it read them") \
	X(swept, "copies a whole table did not list (their end was lost), ended") \
	X(not_taken, "a master's: peers' ends, not taken")

#define X_FIELD(name, help) uint64_t name;
struct sync_counters {
	SYNC_COUNTERS(X_FIELD)
};

struct syncd {
	const char *ctl_path;
	struct fs_genl ev, req, dump;
	int udp, ctl;
	bool master;
	bool dumping, reading_dump;
	bool dump_again;		/* a peer asked meanwhile: once more after */
	bool dump_incomplete;		/* some of it went missing: no end, again */
	unsigned int dumps_incomplete;	/* in a row: the next one waits longer */
	/*
	 * Tuples whose change or end was queued while a dump runs: the
	 * dump's pages are filled before they are read, so a page may hold
	 * a session older than that, which must not be sent after it.
	 */
	struct keyset ended;
	uint32_t instance, seq;		/* seq: the last SESSIONS numbered */
	struct msg *ring;
	uint8_t *queue;			/* records, as the module wrote them */
	size_t qhead, qtail, qcap;
	uint64_t rate;			/* bytes a second */
	double tokens;
	int64_t refilled, alive_at, refresh_at;
	uint64_t module_events_lost;	/* events lost, module's and socket's, last read */
	bool module_events_read;	/* ... and whether it was */
	uint64_t dump_events_lost;	/* ... when the dump began */
	int64_t dump_retry_at;		/* a dump cut short or not sent: again then */
	unsigned int refresh_ms;
	struct fs_sync_key key;
	struct peer *peers;		/* PEERS_MAX of them */
	unsigned int npeers;
	struct sync_counters c;
	unsigned int import_errors_logged;
	const char *role_path;
	int64_t last_table_ms;		/* the last table asked for took */
};

static volatile sig_atomic_t stopping;
/* One daemon a process: its peers, held messages and all (not on the stack). */
static struct peer peers[PEERS_MAX];

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The queue of records; an overflow drops them all and sends the table. */
static size_t queued(const struct syncd *d)
{
	return d->qtail - d->qhead;
}

static void send_table(struct syncd *d, bool refresh);
static void table_again(struct syncd *d);

static void enqueue(struct syncd *d, const void *rec, size_t len, bool table)
{
	struct nlattr a;
	size_t room = NLA_ALIGN(len), cap;
	uint8_t *q;

	if (queued(d) + room > QUEUE_MAX) {
		d->c.overflows += queued(d) ? 1 : 0;
		d->qhead = d->qtail = 0;
		d->dump_incomplete = true;
		table_again(d);
		return;
	}
	if (d->qtail + room > d->qcap) {
		memmove(d->queue, d->queue + d->qhead, queued(d));
		d->qtail -= d->qhead;
		d->qhead = 0;
	}
	if (d->qtail + room > d->qcap) {
		cap = d->qcap ? d->qcap * 2 : 1 << 16;
		while (cap < d->qtail + room)
			cap *= 2;
		q = realloc(d->queue, cap);
		if (!q) {
			d->c.overflows++;
			d->qhead = d->qtail = 0;
			d->dump_incomplete = true;
			table_again(d);
			return;
		}
		d->queue = q;
		d->qcap = cap;
	}
	memcpy(d->queue + d->qtail, rec, len);
	memset(d->queue + d->qtail + len, 0, room - len);
	if (table) {
		memcpy(&a, d->queue + d->qtail, sizeof(a));
		a.nla_type |= REC_TABLE;
		memcpy(d->queue + d->qtail, &a, sizeof(a));
	}
	d->qtail += room;
}

static void enqueue_marker(struct syncd *d, uint16_t type)
{
	struct nlattr m = { .nla_len = NLA_HDRLEN, .nla_type = type };

	enqueue(d, &m, sizeof(m), false);
}

/* ---- sending ---- */

static void send_to(struct syncd *d, const struct peer *p, const uint8_t *buf, size_t len)
{
	/* A peer that is down is the normal case of a failover: no complaint. */
	sendto(d->udp, buf, len, 0, (const struct sockaddr *)&p->addr, p->alen);
}

static void send_ctl(struct syncd *d, struct peer *p, uint8_t type, uint32_t seq,
		     uint32_t arg)
{
	struct fs_sync_hdr h = { .magic = FS_SYNC_MAGIC, .type = type, .instance = d->instance,
				 .seq = seq, .arg = arg };
	uint8_t buf[FS_SYNC_MSG_MAX];
	size_t len = fs_sync_seal(buf, FS_SYNC_HDR_LEN, &h, &d->key);
	unsigned int i;

	for (i = 0; i < d->npeers; i++)
		if (!p || p == &d->peers[i])
			send_to(d, &d->peers[i], buf, len);
}

/*
 * Master: the records that wait, in messages as full as they go, while
 * the rate allows; each message kept in the ring for NACKs. A message
 * with a record of a table says so (FS_SYNC_F_TABLE), the first of it
 * FS_SYNC_F_TABLE_START and the one that ends it FS_SYNC_F_TABLE_END.
 */
static void pump(struct syncd *d)
{
	const size_t room = FS_SYNC_MSG_MAX - FS_SYNC_HDR_LEN - (d->key.len ? FS_SYNC_MAC_LEN : 0);
	struct fs_sync_hdr h = { .magic = FS_SYNC_MAGIC, .type = FS_SYNC_SESSIONS,
				 .instance = d->instance };
	size_t take, used, n;
	struct nlattr a;
	struct msg *m;
	unsigned int i;

	while (queued(d)) {
		/* What fits in one message: records, up to a table's end. */
		take = used = 0;
		h.flags = 0;
		while (d->qhead + take < d->qtail) {
			memcpy(&a, d->queue + d->qhead + take, sizeof(a));
			if (a.nla_type == REC_END) {
				h.flags |= FS_SYNC_F_TABLE_END;
				take += NLA_HDRLEN;
				break;
			}
			if (a.nla_type == REC_START && take) {
				break;		/* a table starts a message */
			} else if (a.nla_type == REC_START) {
				h.flags |= FS_SYNC_F_TABLE_START;
				take += NLA_HDRLEN;
				continue;
			}
			if (used + NLA_ALIGN(a.nla_len) > room && used) {
				break;
			} else if (used + NLA_ALIGN(a.nla_len) > room) {
				/* Never: a session is a few hundred bytes. */
				d->qhead += NLA_ALIGN(a.nla_len);
				d->c.overflows++;
				continue;
			}
			if (a.nla_type & REC_TABLE)
				h.flags |= FS_SYNC_F_TABLE;
			take += NLA_ALIGN(a.nla_len);
			used += NLA_ALIGN(a.nla_len);
		}
		n = FS_SYNC_HDR_LEN + used + (d->key.len ? FS_SYNC_MAC_LEN : 0);
		if (d->tokens < n)
			return;
		d->tokens -= n;
		h.seq = ++d->seq;
		m = &d->ring[h.seq % RING];
		/* A start marker is first, an end marker last: neither is sent. */
		memcpy(m->buf + FS_SYNC_HDR_LEN,
		       d->queue + d->qhead + (h.flags & FS_SYNC_F_TABLE_START ? NLA_HDRLEN : 0),
		       used);
		for (i = 0; i < used; i += NLA_ALIGN(a.nla_len)) {
			memcpy(&a, m->buf + FS_SYNC_HDR_LEN + i, sizeof(a));
			a.nla_type &= ~REC_TABLE;
			memcpy(m->buf + FS_SYNC_HDR_LEN + i, &a, sizeof(a));
		}
		m->len = fs_sync_seal(m->buf, FS_SYNC_HDR_LEN + used, &h, &d->key);
		m->seq = h.seq;
		d->qhead += take;
		for (i = 0; i < d->npeers; i++)
			send_to(d, &d->peers[i], m->buf, m->len);
		d->c.sent++;
		d->c.sent_bytes += m->len;
	}
	d->qhead = d->qtail = 0;
}

/* A peer's NACK: what the ring still holds of seq .. arg, to it alone. */
static void answer_nack(struct syncd *d, struct peer *p, const struct fs_sync_hdr *h)
{
	uint32_t s;

	for (s = h->seq; s - h->seq <= h->arg - h->seq; s++) {
		const struct msg *m = &d->ring[s % RING];

		if (m->seq == s && m->len && d->seq - s < RING) {
			/* Within the rate too: the receiver asks again. */
			if (d->tokens < m->len)
				return;
			d->tokens -= m->len;
			send_to(d, p, m->buf, m->len);
			d->c.retransmitted++;
		}
	}
}

/* ---- the module: events and dumps in, imports out ---- */

/*
 * A request on d->req. A reply not read to its end (a callback that
 * failed, a signal) would answer the next request: the socket goes.
 */
static int req_talk(struct syncd *d, struct nlmsghdr *nlh, fs_reply_cb cb, void *data)
{
	int err = fs_genl_talk(&d->req, nlh, cb, data);

	if (err && !d->req.answered) {
		fs_genl_close(&d->req);
		if (fs_genl_open(&d->req)) {
			fprintf(stderr, "flowsess: sync: netlink: %s; stopping\n", strerror(errno));
			stopping = 1;
		}
	}
	return err;
}

static int events_lost_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fs_stats *st = data;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == FLOWSESS_A_STATS && fs_stats_parse(attr, st) < 0)
			return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/*
 * Events lost on their way to the daemon: those the module could not
 * deliver (its events_lost), and those the event socket dropped, full
 * (its drops: after the first, which a read reports as ENOBUFS, netlink
 * drops silently until the socket is read empty). 0, or an error. What
 * the count grew by since it was last read is counted here.
 */
static int events_lost_now(struct syncd *d, uint64_t *n)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t mlen = sizeof(mem);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct fs_stats st = {};
	struct nlmsghdr *nlh;

	nlh = fs_genl_msg(&d->req, buf, FLOWSESS_CMD_GET_STATS, 0);
	if (req_talk(d, nlh, events_lost_cb, &st) || !st.present[FLOWSESS_STAT_EVENTS_LOST] ||
	    getsockopt(mnl_socket_get_fd(d->ev.nl), SOL_SOCKET, SO_MEMINFO, mem, &mlen))
		return -1;
	*n = st.val[FLOWSESS_STAT_EVENTS_LOST] + mem[SK_MEMINFO_DROPS];
	if (d->module_events_read && *n > d->module_events_lost)
		d->c.events_lost += *n - d->module_events_lost;
	d->module_events_lost = *n;
	d->module_events_read = true;
	return 0;
}

/*
 * A session's tuple, hashed: what an end, a dump record and a table's
 * listing share. SipHash-2-4 with a key drawn at start: the tuples come
 * from the traffic, and a collision would hide a live session from a
 * table (and a backup would then end its copy).
 */
static uint64_t tuple_hash_key[2];

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND							\
	do {								\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;			\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;			\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t siphash24(const uint8_t *in, size_t len, const uint64_t k[2])
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k[0], v1 = 0x646f72616e646f6dULL ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ k[0], v3 = 0x7465646279746573ULL ^ k[1];
	uint64_t m, last = (uint64_t)len << 56;
	size_t i, j;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (j = 0; i + j < len; j++)
		last |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= last;
	SIPROUND;
	SIPROUND;
	v0 ^= last;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t tuple_key(const struct fs_session *s)
{
	uint8_t b[38];
	uint64_t h;

	b[0] = s->family;
	b[1] = s->proto;
	memcpy(b + 2, &s->sport, 2);
	memcpy(b + 4, &s->dport, 2);
	memcpy(b + 6, s->src, 16);
	memcpy(b + 22, s->dst, 16);
	h = siphash24(b, sizeof(b), tuple_hash_key);
	return h ? h : 1;
}

static bool keyset_has(const struct keyset *ks, uint64_t key)
{
	size_t i;

	if (!ks->cap)
		return false;
	for (i = key & (ks->cap - 1); ks->slot[i]; i = (i + 1) & (ks->cap - 1))
		if (ks->slot[i] == key)
			return true;
	return false;
}

/* Add @key; false if that would take more than @max slots, or memory. */
static bool keyset_add(struct keyset *ks, uint64_t key, size_t max)
{
	size_t cap, i, j;
	uint64_t *t;

	if (keyset_has(ks, key))
		return true;
	if (2 * (ks->n + 1) > ks->cap) {
		cap = ks->cap ? 2 * ks->cap : 1024;
		t = cap <= max ? calloc(cap, sizeof(*t)) : NULL;
		if (!t)
			return false;
		for (i = 0; i < ks->cap; i++) {
			if (!ks->slot[i])
				continue;
			for (j = ks->slot[i] & (cap - 1); t[j]; j = (j + 1) & (cap - 1))
				;
			t[j] = ks->slot[i];
		}
		free(ks->slot);
		ks->slot = t;
		ks->cap = cap;
	}
	for (i = key & (ks->cap - 1); ks->slot[i]; i = (i + 1) & (ks->cap - 1))
		;
	ks->slot[i] = key;
	ks->n++;
	return true;
}

/* Empty @ks, its memory given back (a table's may be 128 MiB). */
static void keyset_clear(struct keyset *ks)
{
	free(ks->slot);
	memset(ks, 0, sizeof(*ks));
}

static int queue_session_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct syncd *d = data;
	struct fs_session s;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(*genl)) {
		if (mnl_attr_get_type(attr) != FLOWSESS_A_SESSION)
			continue;
		memset(&s, 0, sizeof(s));
		if (fs_session_parse(attr, &s))
			continue;
		/* A copy's own birth and death are its master's news. */
		if ((genl->cmd == FLOWSESS_CMD_SESSION_NEW && s.imported) ||
		    (genl->cmd == FLOWSESS_CMD_SESSION_DEL && s.reason == FLOWSESS_REASON_SYNC))
			continue;
		if (d->reading_dump && keyset_has(&d->ended, tuple_key(&s)))
			continue;	/* ended after its page was filled */
		/*
		 * Newer than the dump's pages: its records of the tuple are
		 * stale. Past ENDED_MAX, the table is sent again after.
		 */
		if (!d->reading_dump && d->dumping &&
		    !keyset_add(&d->ended, tuple_key(&s), ENDED_MAX))
			d->dump_incomplete = true;
		enqueue(d, attr, attr->nla_len, d->reading_dump);
	}
	return MNL_CB_OK;
}

/* A batch at a time, so that peers, timers and the control are heard. */
static void read_events(struct syncd *d)
{
	char buf[65536];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < BATCH; i++) {
		n = recv(mnl_socket_get_fd(d->ev.nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			/* The module's messages overran us (counted in drops): the table. */
			d->dump_incomplete |= d->dumping;	/* not this one */
			if (d->master)
				table_again(d);
			continue;
		}
		if (n <= 0)
			return;
		if (d->master)
			mnl_cb_run(buf, n, 0, 0, queue_session_cb, d);
	}
}

/*
 * Master: send the whole table. One being sent is sent again after, for a
 * peer that asks (it lost some of it), unless @refresh.
 */
static void send_table(struct syncd *d, bool refresh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	bool incomplete;

	if (!d->master)
		return;
	if (d->dumping) {
		d->dump_again |= !refresh;
		return;
	}
	if (!d->dump.nl)
		return;		/* its socket could not be opened again: stopping */
	d->dump_retry_at = 0;
	/*
	 * Events lost while it runs may hide a change from it (read_dump()):
	 * the count before the request, whose sending fills the first page.
	 */
	incomplete = events_lost_now(d, &d->dump_events_lost) != 0;
	nlh = fs_genl_msg(&d->dump, buf, FLOWSESS_CMD_GET_SESSIONS, NLM_F_DUMP);
	if (mnl_socket_sendto(d->dump.nl, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "flowsess: sync: dump: %s\n", strerror(errno));
		d->dump_retry_at = now_ms() + RESYNC_RETRY_MS;
		return;
	}
	d->dumping = true;
	d->dump_again = false;
	d->dump_incomplete = incomplete;
	d->c.resyncs_sent++;
	keyset_clear(&d->ended);
	enqueue_marker(d, REC_START);
}

/*
 * A table that did not end (changes lost meanwhile, a resize, an error):
 * again, but not back to back: events lost at every table (a monitor
 * that cannot keep up shares the queue) would fill the sync link with
 * tables. 200 ms, twice that each time in a row, 25.6 s at most.
 */
static void table_later(struct syncd *d)
{
	d->dump_retry_at = now_ms() +
			   (DUMP_RETRY_MS << (d->dumps_incomplete < 7 ? d->dumps_incomplete : 7));
	d->dumps_incomplete++;
	d->dump_again = d->dump_incomplete = false;
}

/*
 * Changes were lost, or a peer asks: the whole table again, at once; but
 * while tables back off (the last did not end), when the back-off says.
 */
static void table_again(struct syncd *d)
{
	if (d->dumps_incomplete && d->dump_retry_at)
		return;
	send_table(d, false);
}

/* The dump socket, anew: what a dump left on it would answer the next. */
static int reopen_dump(struct syncd *d)
{
	fs_genl_close(&d->dump);
	if (!fs_genl_open(&d->dump))
		return 0;
	fprintf(stderr, "flowsess: sync: netlink: %s; stopping\n", strerror(errno));
	stopping = 1;
	return -1;
}

/* An NLMSG_ERROR in a dump: the request refused (no dump has an ACK). */
static int dump_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	(void)data;
	errno = nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)) && e->error ? -e->error : EPROTO;
	return MNL_CB_ERROR;
}

/* A dump's NLMSG_DONE carries the error that cut it short, if one did. */
static int dump_done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (!err)
		return MNL_CB_STOP;
	errno = -err;
	return MNL_CB_ERROR;
}

/*
 * One read of the dump, when the queue has room: the dump waits for us.
 * The buffer holds any message the kernel sends (a dump's are up to 32
 * KiB): a shorter one would cut them, and sessions would go missing.
 */
static void read_dump(struct syncd *d)
{
	/* NLMSG_NOOP and NLMSG_OVERRUN, unset: skipped. */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = dump_error_cb,
		[NLMSG_DONE] = dump_done_cb,
	};
	char buf[65536];
	uint64_t lost;
	bool resized;
	ssize_t n;
	int ret;

	n = recv(mnl_socket_get_fd(d->dump.nl), buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	d->reading_dump = true;
	ret = n > 0 ? mnl_cb_run2(buf, n, d->dump.seq, d->dump.portid, queue_session_cb, d,
				  ctl, NLMSG_MIN_TYPE) : -1;
	d->reading_dump = false;
	if (ret > 0)
		return;
	if (ret < 0) {
		d->dumping = false;
		/*
		 * Cut short, with no end: a resize overtook it (its pages
		 * flagged NLM_F_DUMP_INTR, which libmnl reports as EINTR),
		 * or the module or the socket failed. The rest of it would
		 * answer the next request: the socket goes. The table is
		 * dumped again, not at once, which could spin.
		 */
		resized = n > 0 && errno == EINTR;
		if (!resized)
			fprintf(stderr, "flowsess: sync: dump: %s\n", strerror(errno));
		/* Not at once: a rehash flags every dump until it is over. */
		if (!reopen_dump(d))
			table_later(d);
		return;
	}
	/*
	 * An event lost meanwhile may have been the end of a session, and
	 * its tuple made anew after the dump passed it: neither listed nor
	 * named, the backup would end its copy of the new one. So the
	 * events that wait are read first, a batch (more sent after the
	 * end only come late), and the events lost are counted again.
	 */
	read_events(d);
	if (events_lost_now(d, &lost) || lost != d->dump_events_lost)
		d->dump_incomplete = true;
	d->dumping = false;
	/*
	 * A whole table ends, even if a peer asked meanwhile: only a table
	 * begun after its request answers that peer (FS_SYNC_F_TABLE_START).
	 */
	if (!d->dump_incomplete) {
		enqueue_marker(d, REC_END);
		d->dumps_incomplete = 0;
		if (d->dump_again)
			send_table(d, false);
		return;
	}
	table_later(d);
}

/*
 * One record, to the module; an end of a session it no longer has is no
 * error. A master takes no end and no copy: its own table is the one that
 * counts, and a peer that is master too would end its sessions as its
 * copies expire, or bring them back from its copies in a table.
 */
static void import(struct syncd *d, const struct peer *p, const struct nlattr *rec)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct fs_session s;
	int err;

	memset(&s, 0, sizeof(s));
	/* Nor a peer's copies of sessions (a master's own, most likely). */
	if (d->master && (fs_session_parse(rec, &s) || s.reason || s.imported)) {
		d->c.not_taken += !fs_session_parse(rec, &s) && s.reason;
		return;
	}

	nlh = fs_genl_msg(&d->req, buf, FLOWSESS_CMD_IMPORT_SESSION, 0);
	nest = mnl_attr_nest_start(nlh, FLOWSESS_A_SESSION);
	/* The record's attributes as they came (checked to tile it), padding zeroed. */
	memset(mnl_attr_get_payload(nest), 0, NLA_ALIGN(mnl_attr_get_payload_len(rec)));
	memcpy(mnl_attr_get_payload(nest), mnl_attr_get_payload(rec), mnl_attr_get_payload_len(rec));
	nlh->nlmsg_len += NLA_ALIGN(mnl_attr_get_payload_len(rec));
	mnl_attr_nest_end(nlh, nest);
	err = req_talk(d, nlh, NULL, NULL);
	if (!err || err == -ENOENT) {
		d->c.imported += !err;
		return;
	}
	d->c.import_errors++;
	/* The first few in full; then the counter says it. */
	if (d->import_errors_logged++ < 10)
		fprintf(stderr, "flowsess: sync: a session from %s refused: %s%s%s\n", p->name,
			strerror(-err), d->req.extack[0] ? ": " : "", d->req.extack);
}

/* ---- receiving ---- */

/*
 * Backup: ask @p for its whole table. A master asks for none: its own
 * table is the one that counts, and a copy of it would be older.
 */
static void ask_resync(struct syncd *d, struct peer *p)
{
	if (d->master)
		return;
	send_ctl(d, p, FS_SYNC_RESYNC, 0, 0);
	if (!p->resync_asked)
		p->waiting_since = now_ms();
	p->resync_asked = now_ms();
	p->table_started = false;
	d->c.resyncs++;
}

/* End the copy @s, as an import of its end would (reason sync). */
static int end_copy(struct syncd *d, const struct fs_session *s)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t alen = s->family == AF_INET ? 4 : 16;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = fs_genl_msg(&d->req, buf, FLOWSESS_CMD_IMPORT_SESSION, 0);
	nest = mnl_attr_nest_start(nlh, FLOWSESS_A_SESSION);
	mnl_attr_put_u8(nlh, FLOWSESS_SA_FAMILY, s->family);
	mnl_attr_put_u8(nlh, FLOWSESS_SA_PROTO, s->proto);
	mnl_attr_put(nlh, FLOWSESS_SA_SRC, alen, s->src);
	mnl_attr_put(nlh, FLOWSESS_SA_DST, alen, s->dst);
	mnl_attr_put_u16(nlh, FLOWSESS_SA_SPORT, htons(s->sport));
	mnl_attr_put_u16(nlh, FLOWSESS_SA_DPORT, htons(s->dport));
	mnl_attr_put_u8(nlh, FLOWSESS_SA_REASON, FLOWSESS_REASON_SYNC);
	/* Only while a copy: not once a packet passed through it here. */
	mnl_attr_put(nlh, FLOWSESS_SA_IF_COPY, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
	return req_talk(d, nlh, NULL, NULL);
}

/* Dumps in a row that a resize cut short before they ended a copy. */
#define SWEEP_TRIES	25

/* A dump of this table, read by a sweep: the copies no table listed end. */
struct stale {
	struct syncd *d;
	const struct keyset *listed;
};

static int stale_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct stale *st = data;
	struct fs_session s;
	struct nlattr *attr;
	int err;

	mnl_attr_for_each(attr, nlh, sizeof(*genl)) {
		if (mnl_attr_get_type(attr) != FLOWSESS_A_SESSION || fs_session_parse(attr, &s) ||
		    !s.imported || keyset_has(st->listed, tuple_key(&s)))
			continue;
		err = end_copy(st->d, &s);
		if (!err)
			st->d->c.swept++;
		else if (err != -ENOENT)	/* ended, or crossed, meanwhile: not an error */
			st->d->c.import_errors++;
	}
	return MNL_CB_OK;
}

/*
 * Backup: a whole table came from @p, every message of it, with the
 * changes sent while it was: its master has no session it did not list.
 * A copy here that it did not list is one whose end was lost (given up
 * in a gap, sent while this daemon or the master's was down): end it,
 * or it would live on until its timeout and could be picked up by a
 * failover. Sessions made here (not imported when the dump lists them)
 * are not the master's to end; nor are copies while another peer is a
 * master too (two masters: each lists only its own).
 *
 * The dump has a socket of its own, closed after: one cut short (a
 * resize overtook it, NLM_F_DUMP_INTR) leaves the rest of it unread.
 * Each copy is ended as the dump lists it (each was one, and not
 * listed, whether or not the dump goes on to its end), by an end that
 * takes it only while it is still a copy: a packet that passed through
 * it here since made it this router's own. The loop waits meanwhile: a
 * dump of the table, and a request per copy ended.
 */
static void sweep(struct syncd *d, struct peer *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct stale st = { .d = d, .listed = &p->listed };
	struct nlmsghdr *nlh;
	struct fs_genl g;
	unsigned int i, tries;
	uint64_t swept;
	int err = 0;

	/* Another master (a master sends ALIVE every second, some lost): not now. */
	for (i = 0; i < d->npeers; i++)
		if (&d->peers[i] != p && d->peers[i].master_at &&
		    d->peers[i].master_at >= p->listing_since - 5 * ALIVE_MS)
			return;
	/*
	 * The ends shrink the hash, and a resize cuts the dump short (and
	 * each dump begun until the rehash is over): dump again, 20 ms
	 * later when the last ended nothing. After SWEEP_TRIES of those in
	 * a row, the rest waits for the next table.
	 */
	for (tries = 0; tries < SWEEP_TRIES && !stopping; ) {
		swept = d->c.swept;
		err = fs_genl_open(&g) ? -errno : 0;
		if (err)
			break;
		nlh = fs_genl_msg(&g, buf, FLOWSESS_CMD_GET_SESSIONS, NLM_F_DUMP);
		err = fs_genl_talk(&g, nlh, stale_cb, &st);
		fs_genl_close(&g);
		if (err != -EINTR)
			break;
		if (d->c.swept != swept) {
			tries = 0;
		} else {
			tries++;
			usleep(20 * 1000);
		}
	}
	if (err && err != -EINTR)
		fprintf(stderr, "flowsess: sync: the copies %s did not list: %s\n", p->name,
			strerror(-err));
}

/* No sweep at the end of the table @p is sending: it is not whole. */
static void stop_listing(struct peer *p)
{
	p->listing = false;
	keyset_clear(&p->listed);
}

/* While a table comes whole, the tuples it and the changes with it name. */
static void list_record(struct peer *p, const struct nlattr *rec)
{
	struct fs_session s;

	if (!fs_session_parse(rec, &s) && !keyset_add(&p->listed, tuple_key(&s), LISTED_MAX))
		stop_listing(p);	/* too big to tell: no sweep */
}

static void apply(struct syncd *d, struct peer *p, const uint8_t *records, size_t len,
		  uint8_t flags)
{
	const struct nlattr *rec;
	size_t off = 0;

	if (flags & FS_SYNC_F_TABLE_START) {
		keyset_clear(&p->listed);
		p->listing = true;
		p->listing_since = now_ms();
	}
	while (off < len) {
		rec = (const struct nlattr *)(records + off);
		if (p->listing)
			list_record(p, rec);
		import(d, p, rec);
		off += NLA_ALIGN(rec->nla_len);
	}
	if (flags & (FS_SYNC_F_TABLE | FS_SYNC_F_TABLE_END | FS_SYNC_F_TABLE_START))
		p->table_at = now_ms();
	if (flags & FS_SYNC_F_TABLE_END && p->listing) {
		d->c.tables_received++;
		if (!d->master)
			sweep(d, p);
		stop_listing(p);
	}
	/* Only a table begun after the request answers it. */
	if (flags & FS_SYNC_F_TABLE_START && p->resync_asked)
		p->table_started = true;
	if (flags & FS_SYNC_F_TABLE_END && p->resync_asked && p->table_started) {
		d->c.resyncs_received++;
		d->last_table_ms = now_ms() - p->waiting_since;
		p->resync_asked = 0;
	}
}

/* The message numbered p->next, and those held after it. */
static void apply_next(struct syncd *d, struct peer *p, const uint8_t *buf, size_t len)
{
	const uint8_t *records;
	struct fs_sync_hdr h;
	size_t n;

	if (fs_sync_open(buf, len, &h, &d->key, &records, &n))
		return;		/* checked when it came; cannot fail */
	apply(d, p, records, n, h.flags);
	d->c.received++;
	d->c.received_bytes += len;
	p->next++;
}

static void drain_held(struct syncd *d, struct peer *p)
{
	struct msg *m;

	for (;;) {
		m = &p->hold[p->next % HOLD];
		if (!p->held[p->next % HOLD] || m->seq != p->next)
			break;
		p->held[p->next % HOLD] = false;
		apply_next(d, p, m->buf, m->len);
	}
}

/* The first message held after p->next and before @upto, else @upto. */
static uint32_t held_after(const struct peer *p, uint32_t upto)
{
	uint32_t first = upto;
	unsigned int i;

	for (i = 0; i < HOLD; i++)
		if (p->held[i] && (int32_t)(p->hold[i].seq - p->next) > 0 &&
		    (int32_t)(p->hold[i].seq - first) < 0)
			first = p->hold[i].seq;
	return first;
}

/* Whether anything the peer sent is still missing. */
static bool gap_open(const struct peer *p)
{
	return p->known && (int32_t)(p->last - p->next) >= 0;
}

/*
 * Give the gap up to @upto: count what is missing, apply what was held,
 * ask for the table again (one being sent is no longer whole).
 */
static void give_up_gap(struct syncd *d, struct peer *p, uint32_t upto)
{
	uint32_t skip;

	/* A table being received is not whole; one held after the gap may be. */
	stop_listing(p);
	while (gap_open(p) && (int32_t)(upto - p->next) > 0) {
		if (p->held[p->next % HOLD] && p->hold[p->next % HOLD].seq == p->next) {
			drain_held(d, p);
			continue;
		}
		/* Missing up to the next one held, or to @upto. */
		skip = held_after(p, upto) - p->next;
		d->c.lost += skip;
		p->next += skip;
		stop_listing(p);	/* a table started in what was held, too */
	}
	if ((int32_t)(upto - p->next) > 0) {
		p->next = upto;
		stop_listing(p);
	}
	memset(p->held, 0, sizeof(p->held));
	p->gap_since = 0;
	ask_resync(d, p);
}

/* A peer we did not know, or one that restarted: we may have missed anything. */
static void meet(struct syncd *d, struct peer *p, const struct fs_sync_hdr *h)
{
	bool restarted = p->known;

	if (p->known && p->instance == h->instance)
		return;
	p->known = true;
	p->instance = h->instance;
	p->next = h->type == FS_SYNC_SESSIONS ? h->seq : h->seq + 1;
	p->last = p->next - 1;
	memset(p->held, 0, sizeof(p->held));
	p->gap_since = 0;
	stop_listing(p);
	/*
	 * At first contact, a table asked for already will come; from a
	 * peer that restarted, a table of the old instance answers nothing.
	 */
	if (restarted || !p->resync_asked)
		ask_resync(d, p);
}

static void on_sessions(struct syncd *d, struct peer *p, const uint8_t *buf, size_t len,
			const struct fs_sync_hdr *h)
{
	int32_t ahead = (int32_t)(h->seq - p->next);
	uint32_t next = p->next;

	if ((int32_t)(h->seq - p->last) > 0)
		p->last = h->seq;
	if (ahead < 0)
		return;				/* a duplicate */
	if (ahead == 0) {
		apply_next(d, p, buf, len);
		drain_held(d, p);
	} else if (ahead < HOLD) {
		memcpy(p->hold[h->seq % HOLD].buf, buf, len);
		p->hold[h->seq % HOLD].len = len;
		p->hold[h->seq % HOLD].seq = h->seq;
		p->held[h->seq % HOLD] = true;
	} else {
		give_up_gap(d, p, h->seq);	/* too far behind to hold on */
		apply_next(d, p, buf, len);
		drain_held(d, p);
	}
	/* Each gap has its GAP_MS, from when it is the first one missing. */
	if (!gap_open(p))
		p->gap_since = 0;
	else if (!p->gap_since || p->next != next)
		p->gap_since = p->nack_at = now_ms();
}

static struct peer *peer_of(struct syncd *d, const struct sockaddr_storage *from)
{
	unsigned int i;

	for (i = 0; i < d->npeers; i++) {
		const struct peer *p = &d->peers[i];

		if (from->ss_family != p->addr.ss_family)
			continue;
		if (from->ss_family == AF_INET &&
		    ((const struct sockaddr_in *)from)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)&p->addr)->sin_addr.s_addr)
			return &d->peers[i];
		if (from->ss_family == AF_INET6 &&
		    !memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
			    &((const struct sockaddr_in6 *)&p->addr)->sin6_addr, 16))
			return &d->peers[i];
	}
	return NULL;
}

static void read_peers(struct syncd *d)
{
	uint8_t buf[FS_SYNC_MSG_MAX + 1];
	struct sockaddr_storage from;
	const uint8_t *records;
	struct fs_sync_hdr h;
	struct peer *p;
	socklen_t alen;
	size_t n;
	unsigned int i;
	ssize_t len;
	int err;

	/* A batch at a time: NACKs, the events and the control must go on. */
	for (i = 0; i < PEER_BATCH; i++) {
		alen = sizeof(from);
		len = recvfrom(d->udp, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &alen);
		if (len < 0)
			return;
		p = peer_of(d, &from);
		if (!p) {
			d->c.refused++;
			continue;
		}
		err = fs_sync_open(buf, len, &h, &d->key, &records, &n);
		if (err) {
			if (err == -EPERM)
				d->c.auth_failed++;
			else
				d->c.malformed++;
			continue;
		}
		switch (h.type) {
		case FS_SYNC_SESSIONS:
			p->master_at = now_ms();
			meet(d, p, &h);
			on_sessions(d, p, buf, len, &h);
			break;
		case FS_SYNC_ALIVE:
			p->master_at = now_ms();
			meet(d, p, &h);
			if ((int32_t)(h.seq - p->last) > 0)
				p->last = h.seq;
			if (gap_open(p) && !p->gap_since)
				p->gap_since = p->nack_at = now_ms();
			break;
		case FS_SYNC_NACK:
			if (d->master)
				answer_nack(d, p, &h);
			break;
		case FS_SYNC_RESYNC:
			/* Backing off: the table due then answers it too. */
			table_again(d);
			break;
		}
	}
}

/* ---- time ---- */

/*
 * Master: events the module could not deliver (its queue full, or no
 * memory) never reach the socket, and of those the socket dropped, full,
 * a read reports only the first: the module's count and the socket's
 * drops tell. The changes they carried are in the table.
 */
static void check_module_events(struct syncd *d)
{
	uint64_t before = d->module_events_lost, n;
	bool read = d->module_events_read;

	if (!events_lost_now(d, &n) && read && n > before)
		table_again(d);
}

static void tick(struct syncd *d, int64_t now)
{
	unsigned int i;

	d->tokens += (double)(now - d->refilled) * d->rate / 1000;
	d->refilled = now;
	/* A burst of 50 ms at most, but always room for one message. */
	if (d->tokens > d->rate / 20 + FS_SYNC_MSG_MAX)
		d->tokens = d->rate / 20 + FS_SYNC_MSG_MAX;
	if (d->master && now >= d->alive_at) {
		send_ctl(d, NULL, FS_SYNC_ALIVE, d->seq, 0);
		d->alive_at = now + ALIVE_MS;
		check_module_events(d);
	}
	if (d->master && d->refresh_ms && now >= d->refresh_at) {
		send_table(d, true);
		d->refresh_at = now + d->refresh_ms;
	}
	if (d->master && d->dump_retry_at && now >= d->dump_retry_at)
		send_table(d, false);
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = &d->peers[i];

		if (p->gap_since && now - p->gap_since >= GAP_MS) {
			give_up_gap(d, p, p->last + 1);
		} else if (p->gap_since && now >= p->nack_at) {
			/* The first run missing: what is held is not asked for. */
			uint32_t to = held_after(p, p->last + 1) - 1;

			if (to - p->next >= FS_SYNC_NACK_MAX)
				to = p->next + FS_SYNC_NACK_MAX - 1;
			send_ctl(d, p, FS_SYNC_NACK, p->next, to);
			p->nack_at = now + NACK_MS;
		}
		/* Asked, and no table coming: the request or the master was lost. */
		if (p->resync_asked && now - p->resync_asked >= RESYNC_RETRY_MS &&
		    now - p->table_at >= RESYNC_RETRY_MS)
			ask_resync(d, p);
	}
}

/* ---- control: role, resync, status ---- */

static void set_role(struct syncd *d, bool master)
{
	unsigned int i;

	if (d->master == master)
		return;
	fprintf(stderr, "flowsess: sync: %s\n", master ? "master" : "backup");
	d->master = master;
	d->qhead = d->qtail = 0;
	for (i = 0; i < d->npeers; i++) {
		d->peers[i].resync_asked = 0;
		stop_listing(&d->peers[i]);
	}
	d->dumps_incomplete = 0;
	/*
	 * A daemon that becomes master sends its table at once: what it
	 * missed as a backup, or a table it owed as a master before, reaches
	 * peers that stayed backup. (One that starts as master needs not:
	 * its peers see a new instance and ask.)
	 */
	d->dump_retry_at = master ? now_ms() : 0;
	if (master) {
		d->refresh_at = now_ms() + d->refresh_ms;
		d->module_events_read = false;	/* what a backup lost is no master's */
		return;
	}
	d->dumping = d->dump_again = d->dump_incomplete = false;
	/* Drop what a master's dump left unread; the next dump starts clean. */
	if (reopen_dump(d))
		return;
	/* A backup wants the new master's table. */
	for (i = 0; i < d->npeers; i++)
		ask_resync(d, &d->peers[i]);
}

#define X_NAME(name, help) #name,
static const char *const counter_names[] = { SYNC_COUNTERS(X_NAME) };

static size_t status(const struct syncd *d, char *out, size_t size, bool json)
{
	const uint64_t *v = (const uint64_t *)&d->c;
	size_t n = 0;
	unsigned int i;

#define OUT(...) (n += snprintf(out + n, n < size ? size - n : 0, __VA_ARGS__))
	OUT(json ? "{\"role\":\"%s\",\"queued_bytes\":%zu,\"last_table_ms\":%lld" :
	    "role %s\nqueued_bytes %zu\nlast_table_ms %lld\n",
	    d->master ? "master" : "backup", queued(d), (long long)d->last_table_ms);
	for (i = 0; i < sizeof(counter_names) / sizeof(counter_names[0]); i++)
		OUT(json ? ",\"%s\":%llu" : "%s %llu\n", counter_names[i], (unsigned long long)v[i]);
	OUT(json ? ",\"peers\":[" : "");
	for (i = 0; i < d->npeers; i++) {
		const struct peer *p = &d->peers[i];

		if (json)
			OUT("%s{\"address\":\"%s\",\"waiting_for_table\":%s,\"gap\":%s}",
			    i ? "," : "", p->name, p->resync_asked ? "true" : "false",
			    gap_open(p) ? "true" : "false");
		else
			OUT("peer %s%s%s\n", p->name, p->resync_asked ? " waiting-for-table" : "",
			    gap_open(p) ? " gap" : "");
	}
	OUT(json ? "]}\n" : "");
#undef OUT
	return n < size ? n : size - 1;
}

static void read_ctl(struct syncd *d)
{
	struct sockaddr_un from;
	socklen_t alen = sizeof(from);
	char req[64], reply[4096];
	size_t n = 0;
	ssize_t len;

	len = recvfrom(d->ctl, req, sizeof(req) - 1, MSG_DONTWAIT, (struct sockaddr *)&from, &alen);
	if (len < 0)
		return;
	req[len] = 0;
	if (!strcmp(req, "master") || !strcmp(req, "backup")) {
		set_role(d, !strcmp(req, "master"));
		n = snprintf(reply, sizeof(reply), "ok\n");
	} else if (!strcmp(req, "resync") && d->master) {
		n = snprintf(reply, sizeof(reply), "error: a master asks for no table\n");
	} else if (!strcmp(req, "resync")) {
		unsigned int i;

		for (i = 0; i < d->npeers; i++)
			ask_resync(d, &d->peers[i]);
		n = snprintf(reply, sizeof(reply), "ok\n");
	} else if (!strcmp(req, "status") || !strcmp(req, "status-json")) {
		n = status(d, reply, sizeof(reply), !strcmp(req, "status-json"));
	} else {
		n = snprintf(reply, sizeof(reply), "error: unknown request\n");
	}
	/* A client that reads no reply loses it; the loop never waits for it. */
	sendto(d->ctl, reply, n, MSG_DONTWAIT, (struct sockaddr *)&from, alen);
}

/* ---- setup ---- */

static int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

/* A size: digits, then k, M or G (powers of 1000, as rates go). */
static int parse_rate(const char *s, uint64_t *rate)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'M' || *end == 'G') {
		unsigned long long unit = *end == 'k' ? 1000 : *end == 'M' ? 1000000 : 1000000000;

		if (v > 10000000000ULL / unit)
			return -1;
		v *= unit;
		end++;
	}
	if (*end || v < FS_SYNC_MSG_MAX * 10ULL || v > 10000000000ULL)
		return -1;
	*rate = v;
	return 0;
}

/* The control socket's path: one daemon per namespace. */
static const char *fs_sync_ctl_path(const char *netns, char *buf, size_t size)
{
	snprintf(buf, size, "/run/flowsess/sync%s%s.sock", netns ? "-" : "", netns ? netns : "");
	return buf;
}

/*
 * The role keepalived last gave, beside the control socket (".role" for
 * ".sock"): a daemon that starts, or starts again, takes it up, so that a
 * restarted master is master still, and a notify that came before the
 * daemon is not lost.
 */
static void role_path(const char *ctl, char *buf, size_t size)
{
	size_t n = strlen(ctl);

	if (n > 5 && !strcmp(ctl + n - 5, ".sock"))
		n -= 5;
	snprintf(buf, size, "%.*s.role", (int)n, ctl);
}

static int role_write(const char *path, const char *role)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	mkdir("/run/flowsess", 0755);
	f = fopen(tmp, "we");
	if (!f || fprintf(f, "%s\n", role) < 0 || fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "flowsess: sync: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* 1 master, 0 backup, -1 none said. */
static int role_read(const char *path)
{
	char line[16] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	return !strcmp(line, "master\n") ? 1 : !strcmp(line, "backup\n") ? 0 : -1;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int open_sockets(struct syncd *d, const struct sockaddr_storage *local, socklen_t llen)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int one = 1, big = 8 << 20;

	d->udp = socket(local->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->udp < 0 || setsockopt(d->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(d->udp, (const struct sockaddr *)local, llen)) {
		fprintf(stderr, "flowsess: sync: local address: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(d->udp, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (strlen(d->ctl_path) >= sizeof(un.sun_path)) {
		fprintf(stderr, "flowsess: sync: control path too long\n");
		return -1;
	}
	strcpy(un.sun_path, d->ctl_path);
	mkdir("/run/flowsess", 0755);
	unlink(d->ctl_path);
	d->ctl = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->ctl < 0 || bind(d->ctl, (struct sockaddr *)&un, sizeof(un)) ||
	    chmod(d->ctl_path, 0600)) {
		fprintf(stderr, "flowsess: sync: control socket %s: %s\n", d->ctl_path, strerror(errno));
		return -1;
	}
	if (fs_genl_open_or_explain(&d->ev) || fs_genl_open_or_explain(&d->req) ||
	    fs_genl_open_or_explain(&d->dump))
		return -1;
	if (!d->ev.sync_group) {
		fprintf(stderr, "flowsess: sync: the module has no state sync (too old)\n");
		return -1;
	}
	setsockopt(mnl_socket_get_fd(d->ev.nl), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (fs_genl_join_sync(&d->ev)) {
		fs_genl_explain(&d->ev, "sync", -errno);
		return -1;
	}
	return 0;
}

static int run(struct syncd *d)
{
	struct pollfd pfd[4];
	unsigned int i;
	int64_t now;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	d->refilled = now_ms();
	fprintf(stderr, "flowsess: sync: %s, %u peer%s, instance %08x\n",
		d->master ? "master" : "backup", d->npeers, d->npeers > 1 ? "s" : "", d->instance);
	for (i = 0; i < d->npeers; i++)
		ask_resync(d, &d->peers[i]);
	while (!stopping) {
		pfd[0] = (struct pollfd){ .fd = d->udp, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = mnl_socket_get_fd(d->ev.nl), .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = d->ctl, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = mnl_socket_get_fd(d->dump.nl),
			.events = d->dumping && queued(d) < DUMP_LOW ? POLLIN : 0 };
		if (poll(pfd, 4, TICK_MS) < 0 && errno != EINTR) {
			fprintf(stderr, "flowsess: sync: poll: %s\n", strerror(errno));
			return -1;
		}
		read_ctl(d);
		read_peers(d);
		read_events(d);
		if (d->dumping && queued(d) < DUMP_LOW)
			read_dump(d);
		now = now_ms();
		tick(d, now);
		if (d->master)
			pump(d);
	}
	return 0;
}

static void sync_usage(FILE *out)
{
	fprintf(out,
		"usage: flowsess [-n NETNS] sync run peer ADDR [peer ADDR ...] [local ADDR]\n"
		"                [port N] [key FILE] [rate BYTES] [refresh SECONDS]\n"
		"                [role master|backup] [control PATH]\n"
		"       flowsess [-j] [-n NETNS] sync status|master|backup|resync [control PATH]\n");
}

static int cmd_run(int argc, char **argv, const char *netns)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)], *end;
	struct sockaddr_storage local;
	const char *local_s = NULL, *peer_s[PEERS_MAX];
	unsigned long v;
	uint16_t port = FS_SYNC_PORT;
	struct syncd d = { .rate = 10000000, .refresh_ms = 30000 };
	char rpath[sizeof(path) + 8];
	bool role_given = false;
	socklen_t llen;
	unsigned int np = 0, i;
	int ret;

	d.ctl_path = fs_sync_ctl_path(netns, path, sizeof(path));
	d.peers = peers;
	for (i = 2; i < (unsigned int)argc; i += 2) {
		const char *k = argv[i], *val = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (!val) {
			fprintf(stderr, "flowsess: sync: %s wants a value\n", k);
			return EXIT_USAGE;
		}
		errno = 0;
		if (!strcmp(k, "peer")) {
			if (np == PEERS_MAX) {
				fprintf(stderr, "flowsess: sync: %d peers at most\n", PEERS_MAX);
				return EXIT_USAGE;
			}
			peer_s[np++] = val;
		} else if (!strcmp(k, "local")) {
			local_s = val;
		} else if (!strcmp(k, "port")) {
			v = strtoul(val, &end, 10);
			if (errno || *end || !v || v > 65535) {
				fprintf(stderr, "flowsess: sync: port is 1..65535\n");
				return EXIT_USAGE;
			}
			port = v;
		} else if (!strcmp(k, "key")) {
			if (fs_sync_key_load(val, &d.key, stderr))
				return EXIT_USAGE;
		} else if (!strcmp(k, "rate")) {
			if (parse_rate(val, &d.rate)) {
				fprintf(stderr, "flowsess: sync: rate is bytes a second (k, M, G: "
					"powers of 1000), 14k..10G\n");
				return EXIT_USAGE;
			}
		} else if (!strcmp(k, "refresh")) {
			v = strtoul(val, &end, 10);
			if (errno || *end || *val == '-' || v > 86400) {
				fprintf(stderr, "flowsess: sync: refresh is 0 (off) .. 86400 seconds\n");
				return EXIT_USAGE;
			}
			d.refresh_ms = v * 1000;
		} else if (!strcmp(k, "role")) {
			if (strcmp(val, "master") && strcmp(val, "backup")) {
				fprintf(stderr, "flowsess: sync: role is master or backup\n");
				return EXIT_USAGE;
			}
			d.master = !strcmp(val, "master");
			role_given = true;
		} else if (!strcmp(k, "control")) {
			d.ctl_path = val;
		} else {
			fprintf(stderr, "flowsess: sync: unknown option \"%s\"\n", k);
			sync_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!np) {
		fprintf(stderr, "flowsess: sync: no peer (peer ADDR)\n");
		return EXIT_USAGE;
	}
	for (i = 0; i < np; i++) {
		struct peer *p = &d.peers[d.npeers++];

		if (parse_addr(peer_s[i], port, &p->addr, &p->alen)) {
			fprintf(stderr, "flowsess: sync: peer %s: not an IPv4 or IPv6 address\n",
				peer_s[i]);
			return EXIT_USAGE;
		}
		snprintf(p->name, sizeof(p->name), "%s", peer_s[i]);
		if (p->addr.ss_family != d.peers[0].addr.ss_family) {
			fprintf(stderr, "flowsess: sync: the peers are of one family\n");
			return EXIT_USAGE;
		}
	}
	if (local_s ? parse_addr(local_s, port, &local, &llen) :
	    parse_addr(d.peers[0].addr.ss_family == AF_INET ? "0.0.0.0" : "::", port, &local, &llen)) {
		fprintf(stderr, "flowsess: sync: local %s: not an IPv4 or IPv6 address\n", local_s);
		return EXIT_USAGE;
	}
	if (local.ss_family != d.peers[0].addr.ss_family) {
		fprintf(stderr, "flowsess: sync: local and peer addresses are of one family\n");
		return EXIT_USAGE;
	}
	d.ring = calloc(RING, sizeof(*d.ring));
	if (!d.ring || getrandom(&d.instance, sizeof(d.instance), 0) != sizeof(d.instance) ||
	    getrandom(tuple_hash_key, sizeof(tuple_hash_key), 0) != sizeof(tuple_hash_key)) {
		fprintf(stderr, "flowsess: sync: %s\n", strerror(errno ? errno : ENOMEM));
		return EXIT_FAILURE;
	}
	role_path(d.ctl_path, rpath, sizeof(rpath));
	if (!role_given && role_read(rpath) >= 0)
		d.master = role_read(rpath);
	ret = open_sockets(&d, &local, llen) || run(&d) ? EXIT_FAILURE : EXIT_SUCCESS;
	unlink(d.ctl_path);
	fs_genl_close(&d.ev);
	fs_genl_close(&d.req);
	fs_genl_close(&d.dump);
	free(d.ring);
	free(d.queue);
	free(d.ended.slot);
	for (i = 0; i < d.npeers; i++)
		free(d.peers[i].listed.slot);
	return ret;
}

/* status, master, backup, resync: one request to the namespace's daemon. */
static int cmd_ask(int argc, char **argv, const char *netns, bool json)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	const char *req = argv[1];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)], reply[4096];
	ssize_t n;
	int fd;

	fs_sync_ctl_path(netns, path, sizeof(path));
	if (argc == 4 && !strcmp(argv[2], "control")) {
		snprintf(path, sizeof(path), "%s", argv[3]);
	} else if (argc != 2) {
		sync_usage(stderr);
		return EXIT_USAGE;
	}
	if (json && !strcmp(req, "status"))
		req = "status-json";
	/* Kept for a daemon that starts later, or starts again. */
	if (!strcmp(req, "master") || !strcmp(req, "backup")) {
		char rpath[sizeof(path) + 8];

		role_path(path, rpath, sizeof(rpath));
		if (role_write(rpath, req))
			return EXIT_FAILURE;
	}
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* An autobound address, for the reply. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(sa_family_t)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    sendto(fd, req, strlen(req), 0, (struct sockaddr *)&un, sizeof(un)) < 0 ||
	    (n = recv(fd, reply, sizeof(reply) - 1, 0)) < 0) {
		fprintf(stderr, "flowsess: sync: no daemon answers at %s: %s%s\n", path,
			errno == EAGAIN ? "no reply" : strerror(errno),
			strcmp(req, "master") && strcmp(req, "backup") ? "" :
			" (the role is kept for its start)");
		if (fd >= 0)
			close(fd);
		return EXIT_FAILURE;
	}
	close(fd);
	reply[n] = 0;
	if (!strncmp(reply, "error", 5)) {
		fprintf(stderr, "flowsess: sync: %s", reply);
		return EXIT_FAILURE;
	}
	/* master, backup, resync: silent when done, as set is. */
	if (strcmp(reply, "ok\n"))
		fputs(reply, stdout);
	return EXIT_SUCCESS;
}

int fs_cmd_sync(int argc, char **argv, const char *netns, bool json)
{
	if (argc < 2) {
		sync_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc, argv, netns);
	if (!strcmp(argv[1], "status") || !strcmp(argv[1], "master") ||
	    !strcmp(argv[1], "backup") || !strcmp(argv[1], "resync"))
		return cmd_ask(argc, argv, netns, json);
	fprintf(stderr, "flowsess: sync: unknown command \"%s\"\n", argv[1]);
	sync_usage(stderr);
	return EXIT_USAGE;
}
