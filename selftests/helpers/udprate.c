// SPDX-License-Identifier: GPL-2.0
/*
 * Small-packet forwarding load for make bench: SIZE-byte UDP datagrams to
 * FLOWS destination ports (so FLOWS flows) from DPORT on, as fast as the
 * sender can, for SECONDS.
 *
 *   udprate ADDR DPORT FLOWS SECONDS SIZE
 *
 * Prints "sent=N"; the rate that got through is counted where it arrives.
 */
#define _GNU_SOURCE	/* sendmmsg() */
#include <sys/uio.h>

#include "common.h"

#define BATCH	64

int main(int argc, char **argv)
{
	static char payload[1500];
	struct sockaddr_storage dst[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	unsigned long flows, dport, sent = 0, next = 0;
	long long end;
	int s, i, n, size;
	socklen_t len = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: udprate ADDR DPORT FLOWS SECONDS SIZE\n");
		return 2;
	}
	dport = strtoul(argv[2], NULL, 10);
	flows = strtoul(argv[3], NULL, 10);
	size = atoi(argv[5]);
	if (!flows || dport + flows > 65536 || size < 1 || size > (int)sizeof(payload))
		return fprintf(stderr, "udprate: bad arguments\n"), 2;
	for (i = 0; i < BATCH; i++)
		len = sockaddr_parse(argv[1], "0", &dst[i]);
	s = socket(dst[0].ss_family, SOCK_DGRAM, 0);
	if (s < 0)
		die("socket");
	iov.iov_base = payload;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &dst[i];
		msgs[i].msg_hdr.msg_namelen = len;
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = now_ms() + atoi(argv[4]) * 1000LL;
	while (now_ms() < end) {
		for (i = 0; i < BATCH; i++, next = (next + 1) % flows) {
			if (dst[i].ss_family == AF_INET)
				((struct sockaddr_in *)&dst[i])->sin_port = htons(dport + next);
			else
				((struct sockaddr_in6 *)&dst[i])->sin6_port = htons(dport + next);
		}
		n = sendmmsg(s, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
		else if (errno != ENOBUFS && errno != EAGAIN)
			die("sendmmsg");
	}
	printf("sent=%lu\n", sent);
	return 0;
}
