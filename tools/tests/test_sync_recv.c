// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of what a backup makes of its master's messages (sync.c's
 * receiving side): a whole table ends the copies it does not list, and
 * nothing else does. sync.c is built in, its module replaced by a table
 * of copies below (fs_genl_*: genl.c is not linked). Prints TAP.
 */
#include "../sync.c"
#include "tap.h"

/* The fake module: sessions by source port, and whether each is a copy. */
#define PORTS 64
static bool live[PORTS], copy[PORTS];
static unsigned int ended;		/* ends imported, as the sweep sends them */
static unsigned int plain_ends;		/* of them, those not of a copy only */
static int crossed_after_dump = -1;	/* a packet passed through it after the dump */
static unsigned int dumps_cut;		/* dumps a resize cuts short after a session */

static void put_session(struct nlmsghdr *nlh, int port, bool imported, bool end)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, FLOWSESS_A_SESSION);

	mnl_attr_put_u8(nlh, FLOWSESS_SA_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, FLOWSESS_SA_PROTO, IPPROTO_UDP);
	mnl_attr_put_u32(nlh, FLOWSESS_SA_SRC, htonl(0x0a000102));
	mnl_attr_put_u32(nlh, FLOWSESS_SA_DST, htonl(0x0a000202));
	mnl_attr_put_u16(nlh, FLOWSESS_SA_SPORT, htons(40000 + port));
	mnl_attr_put_u16(nlh, FLOWSESS_SA_DPORT, htons(53));
	if (end)
		mnl_attr_put_u8(nlh, FLOWSESS_SA_REASON, FLOWSESS_REASON_IDLE);
	else
		mnl_attr_put_u32(nlh, FLOWSESS_SA_EXPIRES_MS, 60000);
	if (imported)
		mnl_attr_put(nlh, FLOWSESS_SA_IMPORTED, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
}

int fs_genl_open(struct fs_genl *g)
{
	memset(g, 0, sizeof(*g));
	return 0;
}

void fs_genl_close(struct fs_genl *g)
{
	(void)g;
}

struct nlmsghdr *fs_genl_msg(struct fs_genl *g, char *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++g->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	return nlh;
}

/* An end of a copy only: FLOWSESS_SA_IF_COPY in the session. */
static bool has_if_copy(const struct nlattr *nest)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == FLOWSESS_SA_IF_COPY)
			return true;
	return false;
}

/* GET_SESSIONS lists the table; IMPORT_SESSION makes a copy or ends one. */
int fs_genl_talk(struct fs_genl *g, struct nlmsghdr *nlh, fs_reply_cb cb, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	char buf[16384];
	struct nlmsghdr *reply;
	struct fs_session s;
	struct nlattr *attr;
	bool if_copy;
	int port;

	g->answered = true;
	if (genl->cmd == FLOWSESS_CMD_GET_SESSIONS) {
		reply = fs_genl_msg(g, buf, FLOWSESS_CMD_GET_SESSIONS, 0);
		for (port = 0; port < PORTS; port++) {
			if (!live[port])
				continue;
			put_session(reply, port, copy[port], false);
			if (dumps_cut)
				break;
		}
		if (crossed_after_dump >= 0)
			copy[crossed_after_dump] = false;
		if (cb(reply, data) != MNL_CB_OK)
			return -EIO;
		if (dumps_cut) {
			dumps_cut--;
			return -EINTR;
		}
		return 0;
	}
	if (genl->cmd != FLOWSESS_CMD_IMPORT_SESSION)
		return -EOPNOTSUPP;
	mnl_attr_for_each(attr, nlh, sizeof(*genl)) {
		if (fs_session_parse(attr, &s))
			return -EINVAL;
		port = s.sport - 40000;
		if (port < 0 || port >= PORTS)
			return -EINVAL;
		if (s.reason) {
			if_copy = has_if_copy(attr);
			plain_ends += !if_copy;
			/* With FLOWSESS_SA_IF_COPY, only a copy still. */
			if (!live[port] || (if_copy && !copy[port]))
				return -ENOENT;
			live[port] = false;
			ended++;
		} else {
			live[port] = copy[port] = true;
		}
	}
	return 0;
}

int fs_genl_open_or_explain(struct fs_genl *g)
{
	return fs_genl_open(g);
}

int fs_genl_join_events(struct fs_genl *g)
{
	(void)g;
	return 0;
}

int fs_genl_join_sync(struct fs_genl *g)
{
	(void)g;
	return 0;
}

static struct syncd d;
static uint32_t instance = 0x1234;	/* the peer's, in what it sends */

/* A backup with one peer (and a second, silent), knowing nothing yet. */
static void reset(void)
{
	memset(&d, 0, sizeof(d));
	memset(peers, 0, sizeof(peers));
	memset(live, 0, sizeof(live));
	memset(copy, 0, sizeof(copy));
	d.peers = peers;
	d.npeers = 2;
	ended = plain_ends = 0;
	crossed_after_dump = -1;
	dumps_cut = 0;
}

/* The peer's SESSIONS @seq with @flags: sessions of ports @from to @to. */
static void deliver(uint32_t seq, uint8_t flags, int from, int to)
{
	struct fs_sync_hdr h = { .magic = FS_SYNC_MAGIC, .type = FS_SYNC_SESSIONS,
				 .instance = instance, .seq = seq, .flags = flags };
	uint8_t buf[FS_SYNC_MSG_MAX];
	char nlbuf[FS_SYNC_MSG_MAX];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf);
	const uint8_t *records;
	size_t len, n;
	int port;

	for (port = from; port <= to; port++)
		put_session(nlh, port, false, false);
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	memcpy(buf + FS_SYNC_HDR_LEN, nlbuf + NLMSG_HDRLEN, len);
	len = fs_sync_seal(buf, FS_SYNC_HDR_LEN + len, &h, &d.key);
	if (fs_sync_open(buf, len, &h, &d.key, &records, &n))
		abort();
	meet(&d, &peers[0], &h);
	on_sessions(&d, &peers[0], buf, len, &h);
}

#define START	(FS_SYNC_F_TABLE | FS_SYNC_F_TABLE_START)
#define MID	FS_SYNC_F_TABLE
#define END	(FS_SYNC_F_TABLE | FS_SYNC_F_TABLE_END)

/* Copies of ports 0-9 and a session made here, port 20; seq 1 applied. */
static void backup_with_copies(void)
{
	reset();
	deliver(1, 0, 0, 9);
	live[20] = true;
}

int main(void)
{
	backup_with_copies();
	deliver(2, START, 0, 2);
	deliver(3, MID, 3, 4);
	deliver(4, END, 5, 5);
	check(ended == 4 && !live[6] && !live[9] && live[5] && live[0],
	      "a whole table ends the copies it does not list, and no other");
	check(live[20], "... not a session made here");
	check(d.c.swept == 4, "... counted: swept");
	check(plain_ends == 0, "... each by the end of a copy only");

	backup_with_copies();
	crossed_after_dump = 8;
	deliver(2, START, 0, 2);
	deliver(3, END, 3, 5);
	check(ended == 3 && live[8] && !live[9],
	      "a copy a packet passed through after the dump listed it is not ended");
	check(d.c.swept == 3 && d.c.import_errors == 0, "... nor counted, as swept or as an error");

	/* Ports 0-5 listed: each cut-short dump lists port 0 only, ending nothing. */
	backup_with_copies();
	dumps_cut = 3;
	deliver(2, START, 0, 5);
	deliver(3, END, 6, 6);
	check(ended == 3 && !live[9] && live[5], "dumps a resize cut short: dumped again, all swept");
	backup_with_copies();
	dumps_cut = 1000;
	deliver(2, START, 0, 5);
	deliver(3, END, 6, 6);
	check(ended == 0 && dumps_cut == 1000 - SWEEP_TRIES,
	      "... but not for ever: the rest waits for the next table");

	/* Two gaps in a table, each filled within GAP_MS of being the first. */
	backup_with_copies();
	deliver(2, START, 0, 2);
	deliver(4, MID, 4, 4);		/* 3 missing */
	deliver(6, END, 6, 6);		/* 5 missing */
	peers[0].gap_since -= GAP_MS - 100;	/* 3 asked for a while */
	deliver(3, MID, 3, 3);
	tick(&d, now_ms() + 200);
	deliver(5, MID, 5, 5);
	check(d.c.lost == 0 && d.c.tables_received == 1 && ended == 3,
	      "a gap's time starts when it is the first: two filled in turn, the table whole");

	backup_with_copies();
	deliver(2, START, 0, 2);
	deliver(4, END, 5, 5);		/* 3 lost */
	give_up_gap(&d, &peers[0], peers[0].last + 1);
	check(ended == 0 && d.c.lost == 1, "a table with a gap given up in it sweeps nothing");

	backup_with_copies();
	deliver(3, START, 0, 2);	/* 2 lost: before the table */
	deliver(4, END, 3, 9);
	give_up_gap(&d, &peers[0], peers[0].last + 1);
	check(ended == 0 && live[9], "a gap before a whole table held after it: nothing to end");
	deliver(5, START, 0, 2);
	deliver(6, END, 3, 8);
	check(ended == 1 && !live[9], "... and a whole table after that sweeps");

	backup_with_copies();
	deliver(3, START, 0, 2);	/* 2 lost, 3 START held */
	deliver(6, END, 7, 9);		/* 4 held, 5 lost, 6 END held */
	deliver(4, MID, 3, 3);
	give_up_gap(&d, &peers[0], peers[0].last + 1);
	check(ended == 0, "a gap before a held START and one inside the table: nothing swept");

	backup_with_copies();
	deliver(3, START, 0, 2);
	deliver(4, MID, 3, 3);
	deliver(6, END, 7, 9);
	deliver(2 + HOLD, 0, 30, 30);	/* too far ahead to hold on: given up */
	check(ended == 0, "... nor when it is given up for a message too far ahead");

	backup_with_copies();
	peers[1].master_at = now_ms();	/* another master's ALIVE */
	deliver(2, START, 0, 2);
	deliver(3, END, 3, 4);
	check(ended == 0, "while another peer is master too, nothing is swept");

	backup_with_copies();
	d.master = true;
	deliver(2, START, 0, 2);
	deliver(3, END, 3, 4);
	check(ended == 0, "a master sweeps nothing");

	backup_with_copies();
	deliver(2, START, 0, 2);
	instance = 0x9999;		/* the master restarted */
	deliver(3, END, 3, 4);
	instance = 0x1234;
	check(ended == 0, "a table begun by an instance before a restart sweeps nothing");

	printf("1..%d\n", tests_run);
	return tests_failed != 0;
}
