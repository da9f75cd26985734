// SPDX-License-Identifier: GPL-2.0
/*
 * The state sync protocol's messages (sync.h, docs/sync.md): sealed by the
 * sender, checked whole by the receiver before anything in them is used.
 * A message that fails a check is dropped entire: nothing of it is applied.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/netlink.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tool.h"
#include "sync.h"

static void mac(const uint8_t *buf, size_t len, const struct fs_sync_key *key,
		uint8_t out[FS_SYNC_MAC_LEN])
{
	unsigned int n = FS_SYNC_MAC_LEN;

	HMAC(EVP_sha256(), key->key, key->len, buf, len, out, &n);
}

/*
 * Write @h in front of the @len bytes at @buf (FS_SYNC_HDR_LEN of them
 * reserved for it, the records after), and the MAC behind them: @buf has
 * room for FS_SYNC_MSG_MAX. Returns the message's length.
 */
size_t fs_sync_seal(uint8_t *buf, size_t len, const struct fs_sync_hdr *h,
		    const struct fs_sync_key *key)
{
	size_t total = len + (key->len ? FS_SYNC_MAC_LEN : 0);
	uint32_t w[5] = {
		htonl(h->magic),
		htonl((uint32_t)h->type << 24 | (uint32_t)h->flags << 16 | total),
		htonl(h->instance), htonl(h->seq), htonl(h->arg),
	};

	memcpy(buf, w, sizeof(w));
	if (key->len)
		mac(buf, len, key, buf + len);
	return total;
}

/* Attributes that tile @len bytes at @p exactly, each at least a header. */
static int attrs_tile(const uint8_t *p, size_t len)
{
	struct nlattr a;

	while (len) {
		if (len < NLA_HDRLEN)
			return -1;
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return -1;
		if ((size_t)NLA_ALIGN(a.nla_len) < len) {
			p += NLA_ALIGN(a.nla_len);
			len -= NLA_ALIGN(a.nla_len);
		} else {
			len = 0;	/* the last one needs no padding */
		}
	}
	return 0;
}

/*
 * SESSIONS' records: FLOWSESS_A_SESSION attributes, each a nest of
 * attributes that tile it; their meaning is the module's to check.
 */
static int records_check(const uint8_t *p, size_t len)
{
	struct nlattr a;

	if (attrs_tile(p, len))
		return -1;
	while (len) {
		memcpy(&a, p, sizeof(a));
		if ((a.nla_type & NLA_TYPE_MASK) != FLOWSESS_A_SESSION ||
		    attrs_tile(p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN))
			return -1;
		if ((size_t)NLA_ALIGN(a.nla_len) >= len)
			break;
		p += NLA_ALIGN(a.nla_len);
		len -= NLA_ALIGN(a.nla_len);
	}
	return 0;
}

/*
 * Check the message of @len bytes at @buf: -EBADMSG if it is not one,
 * whole and well-formed; -EPERM if its MAC is not the key's (or it has
 * none, or one too many). Then @h is its header and @records its records.
 */
int fs_sync_open(const uint8_t *buf, size_t len, struct fs_sync_hdr *h,
		 const struct fs_sync_key *key, const uint8_t **records,
		 size_t *records_len)
{
	size_t body = len - (key->len ? FS_SYNC_MAC_LEN : 0);
	uint8_t want[FS_SYNC_MAC_LEN];
	uint32_t w[5];

	if (len < FS_SYNC_HDR_LEN + (key->len ? FS_SYNC_MAC_LEN : 0) || len > FS_SYNC_MSG_MAX)
		return -EBADMSG;
	memcpy(w, buf, sizeof(w));
	h->magic = ntohl(w[0]);
	h->type = ntohl(w[1]) >> 24;
	h->flags = ntohl(w[1]) >> 16;
	h->len = ntohl(w[1]);
	h->instance = ntohl(w[2]);
	h->seq = ntohl(w[3]);
	h->arg = ntohl(w[4]);
	if (h->magic != FS_SYNC_MAGIC || h->len != len)
		return -EBADMSG;
	/* The MAC first: nothing else of a forged message is looked at. */
	if (key->len) {
		mac(buf, body, key, want);
		if (CRYPTO_memcmp(want, buf + body, sizeof(want)))
			return -EPERM;
	}
	*records = buf + FS_SYNC_HDR_LEN;
	*records_len = body - FS_SYNC_HDR_LEN;
	switch (h->type) {
	case FS_SYNC_SESSIONS:
		if (h->flags & ~(FS_SYNC_F_TABLE_END | FS_SYNC_F_TABLE | FS_SYNC_F_TABLE_START) ||
		    h->arg ||
		    records_check(*records, *records_len))
			return -EBADMSG;
		return 0;
	case FS_SYNC_NACK:
		if (h->arg - h->seq >= FS_SYNC_NACK_MAX)
			return -EBADMSG;
		break;
	case FS_SYNC_ALIVE:
	case FS_SYNC_RESYNC:
		if (h->arg)
			return -EBADMSG;
		break;
	default:
		return -EBADMSG;
	}
	return h->flags || *records_len ? -EBADMSG : 0;
}

/*
 * The shared key: the first line of @path, at least 16 bytes and at most
 * FS_SYNC_KEY_MAX (as `openssl rand -hex 32` writes one). Only its owner
 * may read it.
 */
int fs_sync_key_load(const char *path, struct fs_sync_key *key, FILE *err)
{
	char line[FS_SYNC_KEY_MAX + 2];
	struct stat st;
	size_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		fprintf(err, "flowsess: sync: key %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		fprintf(err, "flowsess: sync: key %s: others may read it (chmod 600)\n", path);
		fclose(f);
		return -1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	n = strcspn(line, "\n");
	if (n < 16 || n > FS_SYNC_KEY_MAX) {
		fprintf(err, "flowsess: sync: key %s: the first line is the key, 16 to %d bytes\n",
			path, FS_SYNC_KEY_MAX);
		return -1;
	}
	memcpy(key->key, line, n);
	key->len = n;
	return 0;
}
