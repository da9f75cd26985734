// SPDX-License-Identifier: GPL-2.0
/*
 * Send one hand-made TCP segment through a raw socket.
 *
 *   rawtcp [-s SEQ] [-a ACK] [-t STEP] SRC DST SPORT DPORT FLAGS [DOFF [LEN [COUNT]]]
 *
 * FLAGS is a string of S, A, F, R, P (or "-" for none). DOFF is the data
 * offset in 32-bit words written into the header (default 5), LEN how many
 * bytes of TCP header and payload to send (default 20 + 0), so malformed
 * and truncated headers can be made on purpose. SEQ is the sequence number
 * (default 1000), ACK the acknowledgment number when FLAGS has A (default
 * 1). COUNT segments (default 1) make a flood of distinct tuples: the
 * source port runs from SPORT to 65535, then starts again at SPORT with
 * the next destination port. With -t, the COUNT segments keep the ports
 * and their sequence numbers go up by STEP instead.
 */
#include <getopt.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include "common.h"

int main(int argc, char **argv)
{
	struct sockaddr_storage src, dst;
	unsigned char seg[128] = { 0 };
	struct tcphdr *th = (struct tcphdr *)seg;
	int s, doff = 5, len = 20, family, c;
	unsigned long i, count = 1, sport, nsports;
	uint32_t seq = 1000, ack = 1, step = 0;
	const char *f;

	while ((c = getopt(argc, argv, "+s:a:t:")) != -1) {
		switch (c) {
		case 's':
			seq = strtoul(optarg, NULL, 0);
			break;
		case 'a':
			ack = strtoul(optarg, NULL, 0);
			break;
		case 't':
			step = strtoul(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 6) {
		fprintf(stderr, "usage: rawtcp [-s SEQ] [-a ACK] [-t STEP] SRC DST SPORT DPORT FLAGS [DOFF [LEN [COUNT]]]\n");
		return 2;
	}
	sockaddr_parse(argv[1], "0", &src);
	sockaddr_parse(argv[2], "0", &dst);
	family = dst.ss_family;
	if (argc > 6)
		doff = atoi(argv[6]);
	if (argc > 7)
		len = atoi(argv[7]);
	if (argc > 8)
		count = strtoul(argv[8], NULL, 10);
	sport = strtoul(argv[3], NULL, 10);
	nsports = 65536 - sport;
	if (len < 0 || len > (int)sizeof(seg) || doff < 0 || doff > 15)
		return fprintf(stderr, "rawtcp: bad DOFF or LEN\n"), 2;

	th->doff = doff;
	th->window = htons(1024);
	for (f = argv[5]; *f; f++) {
		th->syn |= *f == 'S';
		th->ack |= *f == 'A';
		th->fin |= *f == 'F';
		th->rst |= *f == 'R';
		th->psh |= *f == 'P';
	}
	if (th->ack)
		th->ack_seq = htonl(ack);

	s = socket(family, SOCK_RAW, IPPROTO_TCP);
	if (s < 0)
		die("socket");
	if (bind(s, (struct sockaddr *)&src, family == AF_INET ?
		 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
		die("bind");
	if (family == AF_INET6) {
		int offset = 16;	/* the kernel fills in the checksum */

		if (len >= 18 && setsockopt(s, IPPROTO_IPV6, IPV6_CHECKSUM,
					    &offset, sizeof(offset)))
			die("IPV6_CHECKSUM");
	}
	for (i = 0; i < count; i++) {
		th->seq = htonl(seq + i * step);
		th->source = htons(step ? sport : sport + i % nsports);
		th->dest = htons(strtoul(argv[4], NULL, 10) + (step ? 0 : i / nsports));
		if (family == AF_INET) {
			unsigned char pseudo[12];

			memcpy(pseudo, &((struct sockaddr_in *)&src)->sin_addr, 4);
			memcpy(pseudo + 4, &((struct sockaddr_in *)&dst)->sin_addr, 4);
			pseudo[8] = 0;
			pseudo[9] = IPPROTO_TCP;
			pseudo[10] = len >> 8;
			pseudo[11] = len & 0xff;
			th->check = 0;
			th->check = htons(csum_fold(csum_add(csum_add(0, pseudo, 12), seg, len)));
		}
		/* A flood may fill the socket's buffer: wait, then send again. */
		while (sendto(s, seg, len, 0, (struct sockaddr *)&dst,
			      family == AF_INET ? sizeof(struct sockaddr_in) :
						  sizeof(struct sockaddr_in6)) != len) {
			if (errno != ENOBUFS)
				die("sendto");
			usleep(1000);
		}
	}
	return 0;
}
