// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP connection over IPv6 whose sender fragments its segments, as no
 * Linux TCP does: a hand-made handshake, then SEGMENTS data segments of
 * BYTES bytes each through a raw socket, which the kernel fragments to the
 * link's MTU. Each segment must be acknowledged whole, and is sent again
 * (up to 5 times, a second apart) until it is.
 *
 *   tcpfrag6 SRC DST SPORT DPORT BYTES [SEGMENTS]
 *
 * The sender's own kernel has no socket for the connection and answers
 * the server's segments with RSTs: the test drops them. Prints "acked=N"
 * and exits 0 when every byte sent was acknowledged, 1 when not.
 */
#include <netinet/tcp.h>

#include "common.h"

#define ISN	1000U
#define TRIES	5

static int raw;
static struct sockaddr_in6 dst;
static uint16_t sport, dport;

static void send_seg(const char *flags, uint32_t seq, uint32_t ack,
		     const unsigned char *data, size_t len)
{
	static unsigned char seg[sizeof(struct tcphdr) + 65000];
	struct tcphdr *th = (struct tcphdr *)seg;

	memset(th, 0, sizeof(*th));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->doff = 5;
	th->window = htons(65535);
	th->syn = !!strchr(flags, 'S');
	th->psh = !!strchr(flags, 'P');
	if (strchr(flags, 'A')) {
		th->ack = 1;
		th->ack_seq = htonl(ack);
	}
	memcpy(seg + sizeof(*th), data, len);
	len += sizeof(*th);
	if (sendto(raw, seg, len, 0, (struct sockaddr *)&dst, sizeof(dst)) != (ssize_t)len)
		die("sendto");
}

/*
 * Wait up to @ms for a segment of the connection from the server with the
 * ACK flag (and SYN if @syn) that acknowledges @ack or more; its header in
 * @out. False when none came.
 */
static int wait_ack(struct tcphdr *out, int syn, uint32_t ack, int ms)
{
	static unsigned char buf[65536];
	long long end = now_ms() + ms, left;
	struct pollfd p = { .fd = raw, .events = POLLIN };
	struct tcphdr *th = (struct tcphdr *)buf;
	ssize_t n;

	while ((left = end - now_ms()) > 0) {
		if (poll(&p, 1, left) <= 0)
			continue;
		/* An IPv6 raw socket reads the TCP segment, without the header. */
		n = recv(raw, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(*th) || ntohs(th->source) != dport ||
		    ntohs(th->dest) != sport || !th->ack || th->syn != syn ||
		    (int32_t)(ntohl(th->ack_seq) - ack) < 0)
			continue;
		*out = *th;
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char data[65000];
	struct sockaddr_storage src, ss;
	unsigned long bytes, segments = 1, i;
	int offset = 16, try;	/* the kernel fills in the checksum */
	uint32_t seq, server;
	struct tcphdr th;

	if (argc < 6) {
		fprintf(stderr, "usage: tcpfrag6 SRC DST SPORT DPORT BYTES [SEGMENTS]\n");
		return 2;
	}
	sockaddr_parse(argv[1], "0", &src);
	sockaddr_parse(argv[2], "0", &ss);
	if (src.ss_family != AF_INET6 || ss.ss_family != AF_INET6)
		return fprintf(stderr, "tcpfrag6: IPv6 addresses only\n"), 2;
	memcpy(&dst, &ss, sizeof(dst));
	sport = atoi(argv[3]);
	dport = atoi(argv[4]);
	bytes = strtoul(argv[5], NULL, 10);
	if (argc > 6)
		segments = strtoul(argv[6], NULL, 10);
	if (!bytes || bytes > sizeof(data))
		return fprintf(stderr, "tcpfrag6: BYTES from 1 to %zu\n", sizeof(data)), 2;
	for (i = 0; i < bytes; i++)
		data[i] = 'a' + i % 26;

	raw = socket(AF_INET6, SOCK_RAW, IPPROTO_TCP);
	if (raw < 0)
		die("socket");
	if (bind(raw, (struct sockaddr *)&src, sizeof(struct sockaddr_in6)))
		die("bind");
	if (setsockopt(raw, IPPROTO_IPV6, IPV6_CHECKSUM, &offset, sizeof(offset)))
		die("IPV6_CHECKSUM");

	for (try = 0; try < TRIES; try++) {
		send_seg("S", ISN, 0, NULL, 0);
		if (wait_ack(&th, 1, ISN + 1, 1000))
			break;
	}
	if (try == TRIES)
		return fprintf(stderr, "tcpfrag6: no SYN-ACK\n"), 1;
	server = ntohl(th.seq) + 1;
	seq = ISN + 1;
	send_seg("A", seq, server, NULL, 0);
	for (i = 0; i < segments; i++) {
		for (try = 0; try < TRIES; try++) {
			send_seg("PA", seq, server, data, bytes);
			if (wait_ack(&th, 0, seq + bytes, 1000))
				break;
		}
		if (try == TRIES) {
			fprintf(stderr, "tcpfrag6: segment %lu (%lu bytes) never acknowledged\n",
				i, bytes);
			printf("acked=%u\n", seq - ISN - 1);
			return 1;
		}
		seq += bytes;
	}
	printf("acked=%u\n", seq - ISN - 1);
	return 0;
}
