// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the state sync protocol's messages (sync_wire.c): what is
 * sealed opens, and nothing malformed, truncated or forged does. Prints TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tool.h"
#include "sync.h"
#include "tap.h"

static const struct fs_sync_key nokey;
static struct fs_sync_key key = { "0123456789abcdef0123456789abcdef", 32 };

/* A SESSIONS message: two records, a live TCP session and an ended one. */
static size_t sessions(uint8_t *buf, const struct fs_sync_key *k, uint32_t seq)
{
	struct fs_sync_hdr h = { .magic = FS_SYNC_MAGIC, .type = FS_SYNC_SESSIONS,
				 .instance = 0x1234, .seq = seq };
	char nlbuf[1024];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf);
	struct nlattr *nest;
	size_t len;
	int i;

	for (i = 0; i < 2; i++) {
		nest = mnl_attr_nest_start(nlh, FLOWSESS_A_SESSION);
		mnl_attr_put_u8(nlh, FLOWSESS_SA_FAMILY, 2);
		mnl_attr_put_u8(nlh, FLOWSESS_SA_PROTO, 6);
		mnl_attr_put_u32(nlh, FLOWSESS_SA_SRC, htonl(0x0a000102));
		mnl_attr_put_u32(nlh, FLOWSESS_SA_DST, htonl(0x0a000202));
		if (i)
			mnl_attr_put_u8(nlh, FLOWSESS_SA_REASON, FLOWSESS_REASON_RST);
		else
			mnl_attr_put_u32(nlh, FLOWSESS_SA_EXPIRES_MS, 1000);
		mnl_attr_nest_end(nlh, nest);
	}
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	memcpy(buf + FS_SYNC_HDR_LEN, nlbuf + NLMSG_HDRLEN, len);
	return fs_sync_seal(buf, FS_SYNC_HDR_LEN + len, &h, k);
}

static int open_msg(const uint8_t *buf, size_t len, const struct fs_sync_key *k,
		    struct fs_sync_hdr *h)
{
	const uint8_t *rec;
	size_t n;

	return fs_sync_open(buf, len, h, k, &rec, &n);
}

/* @orig with @mutate's change, its MAC made again over it, as a key holder would. */
static int open_changed(const uint8_t *orig, size_t len, void (*mutate)(uint8_t *buf))
{
	uint8_t buf[FS_SYNC_MSG_MAX];
	struct fs_sync_hdr h;

	memcpy(buf, orig, len);
	mutate(buf);
	HMAC(EVP_sha256(), key.key, key.len, buf, len - FS_SYNC_MAC_LEN,
	     buf + len - FS_SYNC_MAC_LEN, NULL);
	return open_msg(buf, len, &key, &h);
}

static void set_u16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void m_version(uint8_t *b) { b[3] = '2'; }
static void m_flag(uint8_t *b) { b[5] = 0x8; }
static void m_type(uint8_t *b) { b[4] = 9; }
static void m_alive(uint8_t *b) { b[4] = FS_SYNC_ALIVE; }
static void m_len(uint8_t *b) { b[7]--; }
static void m_arg(uint8_t *b) { b[19] = 1; }
static void m_rec_len(uint8_t *b) { set_u16(b + FS_SYNC_HDR_LEN, 2000); }
static void m_rec_short(uint8_t *b) { set_u16(b + FS_SYNC_HDR_LEN, 2); }
static void m_rec_type(uint8_t *b) { set_u16(b + FS_SYNC_HDR_LEN + 2, FLOWSESS_A_STATS); }
static void m_inner_len(uint8_t *b) { set_u16(b + FS_SYNC_HDR_LEN + NLA_HDRLEN, 300); }
static void m_none(uint8_t *b) { (void)b; }

int main(void)
{
	uint8_t buf[FS_SYNC_MSG_MAX], bad[FS_SYNC_MSG_MAX];
	const uint8_t *rec;
	struct fs_sync_hdr h;
	size_t len, n, i;
	int fails;

	printf("1..16\n");
	len = sessions(buf, &nokey, 7);
	check(open_msg(buf, len, &nokey, &h) == 0 && h.type == FS_SYNC_SESSIONS &&
	      h.seq == 7 && h.instance == 0x1234 && h.len == len, "a message opens, without a key");
	len = sessions(buf, &key, 8);
	check(fs_sync_open(buf, len, &h, &key, &rec, &n) == 0 && h.seq == 8 &&
	      n == len - FS_SYNC_HDR_LEN - FS_SYNC_MAC_LEN, "... and with one, its MAC after the records");
	check(open_msg(buf, len, &nokey, &h) == -EBADMSG,
	      "a MAC where none is expected: the records do not tile");
	{
		struct fs_sync_key other = key;

		other.key[0] ^= 1;
		check(open_msg(buf, len, &other, &h) == -EPERM, "another key: refused");
	}
	fails = 0;
	for (i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		bad[i] ^= 0x10;
		fails += open_msg(bad, len, &key, &h) != 0;
	}
	check(fails == (int)len, "any bit flipped, in the header, records or MAC: refused");
	fails = 0;
	for (i = 0; i < len; i++)
		fails += open_msg(buf, i, &key, &h) != 0;
	check(fails == (int)len, "any truncation: refused");
	len = sessions(buf, &nokey, 9);
	fails = 0;
	for (i = 0; i < len; i++)
		fails += open_msg(buf, i, &nokey, &h) != 0;
	check(fails == (int)len, "... without a key too (the length says)");

	/* Malformed, but sealed with the key: the checks behind the MAC. */
	len = sessions(buf, &key, 10);
	check(open_changed(buf, len, m_none) == 0, "a message sealed again opens");
	check(open_changed(buf, len, m_version) == -EBADMSG &&
	      open_changed(buf, len, m_len) == -EBADMSG,
	      "another version, or a length that is not the datagram's: refused");
	check(open_changed(buf, len, m_flag) == -EBADMSG && open_changed(buf, len, m_type) == -EBADMSG &&
	      open_changed(buf, len, m_arg) == -EBADMSG,
	      "an unknown flag or type, or an argument SESSIONS has not: refused");
	check(open_changed(buf, len, m_alive) == -EBADMSG, "an ALIVE with records: refused");
	check(open_changed(buf, len, m_rec_len) == -EBADMSG &&
	      open_changed(buf, len, m_rec_short) == -EBADMSG,
	      "a record longer than the message, or shorter than its header: refused");
	check(open_changed(buf, len, m_rec_type) == -EBADMSG, "a record that is not a session: refused");
	check(open_changed(buf, len, m_inner_len) == -EBADMSG,
	      "a session whose attributes do not tile it: refused");
	{
		struct fs_sync_hdr nack = { .magic = FS_SYNC_MAGIC, .type = FS_SYNC_NACK,
					    .seq = 5, .arg = 5 + FS_SYNC_NACK_MAX };

		len = fs_sync_seal(buf, FS_SYNC_HDR_LEN, &nack, &key);
		check(open_msg(buf, len, &key, &h) == -EBADMSG, "a NACK of too many: refused");
		/* The most a NACK asks, across the numbers' wrap. */
		nack.seq = 0xffffff00;
		nack.arg = nack.seq + FS_SYNC_NACK_MAX - 1;
		len = fs_sync_seal(buf, FS_SYNC_HDR_LEN, &nack, &key);
		check(open_msg(buf, len, &key, &h) == 0 && h.seq == 0xffffff00 && h.arg == 0x2ff,
		      "... of 1024, across the wrap: taken");
	}
	return tests_failed ? 1 : 0;
}
