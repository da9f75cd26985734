/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state sync protocol between flowsess routers (docs/sync.md): UDP
 * messages of a 20-byte header, records, and with a shared key an
 * HMAC-SHA256 of both. Integers are big-endian.
 */
#ifndef FLOWSESS_SYNC_H
#define FLOWSESS_SYNC_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define FS_SYNC_PORT	3785
#define FS_SYNC_MAGIC	0x46535331	/* "FSS1": the protocol and its version */
#define FS_SYNC_HDR_LEN	20
#define FS_SYNC_MAC_LEN	32
/* A message fits one packet of a 1500-byte link, over IPv6 too. */
#define FS_SYNC_MSG_MAX	1400
/* A NACK asks for this many messages at most. */
#define FS_SYNC_NACK_MAX 1024
#define FS_SYNC_KEY_MAX	64

enum fs_sync_type {
	FS_SYNC_SESSIONS = 1,	/* seq: its number; records: sessions */
	FS_SYNC_ALIVE,		/* seq: the last SESSIONS sent */
	FS_SYNC_NACK,		/* seq .. arg: SESSIONS to send again */
	FS_SYNC_RESYNC,		/* send me the whole table */
	__FS_SYNC_TYPE_MAX
};

/* SESSIONS: the last message of a whole table (a RESYNC's answer, a refresh) */
#define FS_SYNC_F_TABLE_END	0x1
/* ... one with records of such a table */
#define FS_SYNC_F_TABLE		0x2
/* ... and its first, sent after every message before the table began */
#define FS_SYNC_F_TABLE_START	0x4

struct fs_sync_hdr {
	uint32_t magic;
	uint8_t type;
	uint8_t flags;
	uint16_t len;		/* the whole message, MAC included */
	uint32_t instance;	/* the sender's, new at each start */
	uint32_t seq;
	uint32_t arg;
};

struct fs_sync_key {
	uint8_t key[FS_SYNC_KEY_MAX];
	size_t len;		/* 0: messages carry no MAC */
};

size_t fs_sync_seal(uint8_t *buf, size_t len, const struct fs_sync_hdr *h,
		    const struct fs_sync_key *key);
int fs_sync_open(const uint8_t *buf, size_t len, struct fs_sync_hdr *h,
		 const struct fs_sync_key *key, const uint8_t **records,
		 size_t *records_len);
int fs_sync_key_load(const char *path, struct fs_sync_key *key, FILE *err);

#endif
