// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input for a state sync daemon (flowsess sync, docs/sync.md): COUNT
 * datagrams from SRC to DST:PORT, none of them sealed with a key.
 *
 *   syncfuzz SRC DST PORT COUNT SEED
 *
 * A fifth each: random bytes; a header with the magic and the rest random;
 * a header whose type, flags, length or argument lie; SESSIONS whose
 * records do not tile or are not sessions; and SESSIONS, well-formed,
 * whose sessions no module would take (family 7, or TCP without a state),
 * numbered on from the last, so that the daemon passes them on. Prints
 * "sent=N malformed=M refusable=R": M datagrams a daemon must drop as not
 * well-formed (or, with a key, all of them as not sealed), R sessions in
 * the well-formed ones, each of which the module must refuse.
 */
#include <linux/netlink.h>

#include "common.h"
#include "../../kmod/uapi/flowsess.h"

#define MAGIC	0x46535331
#define HDR	20
#define MAX	1400

static uint64_t rng;

static uint32_t rnd(void)
{
	return xorshift(&rng);
}

static void header(uint8_t *p, uint8_t type, uint8_t flags, uint16_t len,
		   uint32_t instance, uint32_t seq, uint32_t arg)
{
	uint32_t w[5] = { htonl(MAGIC), htonl((uint32_t)type << 24 | flags << 16 | len),
			  htonl(instance), htonl(seq), htonl(arg) };

	memcpy(p, w, sizeof(w));
}

static size_t attr(uint8_t *p, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(p, &a, sizeof(a));
	memcpy(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return NLA_HDRLEN + NLA_ALIGN(len);
}

/* A session no module takes: @kind 0, family 7; 1, TCP without a state. */
static size_t bad_session(uint8_t *p, int kind)
{
	uint8_t family = kind ? 2 : 7, proto = 6, a4[4] = { 10, 0, 1, 2 };
	uint32_t expires = 1000;
	uint16_t port = htons(rnd());
	size_t n = NLA_HDRLEN;

	n += attr(p + n, FLOWSESS_SA_FAMILY, &family, 1);
	n += attr(p + n, FLOWSESS_SA_PROTO, &proto, 1);
	n += attr(p + n, FLOWSESS_SA_SRC, a4, 4);
	n += attr(p + n, FLOWSESS_SA_DST, a4, 4);
	n += attr(p + n, FLOWSESS_SA_SPORT, &port, 2);
	n += attr(p + n, FLOWSESS_SA_DPORT, &port, 2);
	n += attr(p + n, FLOWSESS_SA_EXPIRES_MS, &expires, 4);
	((struct nlattr *)p)->nla_len = n;
	((struct nlattr *)p)->nla_type = FLOWSESS_A_SESSION;
	return n;
}

int main(int argc, char **argv)
{
	unsigned long count, i, malformed = 0, refusable = 0;
	struct sockaddr_storage src, dst;
	uint32_t instance, seq = 1;
	socklen_t slen, dlen;
	uint8_t buf[MAX];
	size_t n, k;
	int s;

	if (argc != 6) {
		fprintf(stderr, "usage: syncfuzz SRC DST PORT COUNT SEED\n");
		return 2;
	}
	slen = sockaddr_parse(argv[1], "0", &src);
	dlen = sockaddr_parse(argv[2], argv[3], &dst);
	count = strtoul(argv[4], NULL, 0);
	rng = xorshift_seed(strtoull(argv[5], NULL, 0));
	instance = rnd();
	s = socket(src.ss_family, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&src, slen))
		die("socket/bind");
	for (i = 0; i < count; i++) {
		switch (i % 5) {
		case 0:		/* noise */
			n = rnd() % MAX;
			for (k = 0; k < n; k++)
				buf[k] = rnd();
			if (n >= 4 && rnd() % 2)
				header(buf, 0, 0, 0, 0, 0, 0);	/* sometimes the magic */
			malformed++;
			break;
		case 1:		/* the magic, the rest random */
			n = HDR + rnd() % (MAX - HDR);
			for (k = 0; k < n; k++)
				buf[k] = rnd();
			header(buf, rnd() % 8, rnd(), rnd(), rnd(), rnd(), rnd());
			if ((size_t)((buf[6] << 8) | buf[7]) == n)
				buf[7]++;			/* never its true length */
			malformed++;
			break;
		case 2:		/* a header that lies about one thing */
			n = HDR;
			switch (rnd() % 4) {
			case 0: header(buf, 5 + rnd() % 250, 0, n, instance, seq, 0); break;
			case 1: header(buf, 2 + rnd() % 3, 1 + rnd() % 255, n, instance, seq, 0); break;
			case 2: header(buf, 1 + rnd() % 4, 0, n + 1 + rnd() % 100, instance, seq, 0); break;
			default: header(buf, 3, 0, n, instance, seq, seq + 1024 + rnd() % 5000); break;
			}
			malformed++;
			break;
		case 3:		/* SESSIONS whose records are not sessions, or do not tile */
			n = HDR + bad_session(buf + HDR, 0);
			if (rnd() % 2)
				((struct nlattr *)(buf + HDR))->nla_type = 1 + rnd() % 4;
			else
				((struct nlattr *)(buf + HDR))->nla_len += 4 + rnd() % 64;
			header(buf, 1, 0, n, instance, seq, 0);
			malformed++;
			break;
		default:	/* well-formed, numbered on: sessions no module takes */
			n = HDR;
			for (k = 1 + rnd() % 5; k; k--, refusable++)
				n += bad_session(buf + n, rnd() % 2);
			header(buf, 1, 0, n, instance, seq++, 0);
			break;
		}
		while (sendto(s, buf, n, 0, (struct sockaddr *)&dst, dlen) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN)
				die("sendto");
			usleep(100);
		}
		/* Not faster than a daemon reads: a drop would be no test. */
		if (i % 50 == 49)
			usleep(20000);
	}
	printf("sent=%lu malformed=%lu refusable=%lu\n", count, malformed, refusable);
	return 0;
}
