// SPDX-License-Identifier: GPL-2.0
/*
 * UDP through the router (busybox nc has no UDP mode).
 *
 *   udpecho server ADDR PORT [SECONDS]
 *                                 echo datagrams for SECONDS (10)
 *   udpecho client ADDR PORT N [SPORT [SIZE]]
 *                                 send N datagrams (from port SPORT if
 *                                 given and not 0; of SIZE bytes, up to
 *                                 65000, if given), each once the last came
 *                                 back whole or after 2 s; print
 *                                 "echoed=K"; exit 0 if all N came back
 */
#include <poll.h>

#include "common.h"

int main(int argc, char **argv)
{
	static char buf[65536], want[65536];
	struct sockaddr_storage ss, peer;
	int s, i, n, echoed = 0;
	socklen_t len, plen;
	size_t size = 0, wlen;
	ssize_t r;

	if (argc < 4 || (strcmp(argv[1], "server") && argc < 5)) {
		fprintf(stderr, "usage: udpecho server ADDR PORT [SECONDS] | client ADDR PORT N [SPORT [SIZE]]\n");
		return 2;
	}
	len = sockaddr_parse(argv[2], argv[3], &ss);
	s = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (s < 0)
		die("socket");
	if (!strcmp(argv[1], "server")) {
		alarm(argc > 4 ? atoi(argv[4]) : 10);
		if (bind(s, (struct sockaddr *)&ss, len))
			die("bind");
		for (;;) {
			plen = sizeof(peer);
			r = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
			if (r > 0)
				sendto(s, buf, r, 0, (struct sockaddr *)&peer, plen);
		}
	}
	n = atoi(argv[4]);
	if (argc > 6)
		size = strtoul(argv[6], NULL, 0);
	if (size > 65000) {
		fprintf(stderr, "SIZE: at most 65000\n");
		return 2;
	}
	if (argc > 5 && atoi(argv[5])) {
		struct sockaddr_storage src;
		socklen_t slen = sockaddr_parse(ss.ss_family == AF_INET ? "0.0.0.0" : "::",
						argv[5], &src);

		if (bind(s, (struct sockaddr *)&src, slen))
			die("bind");
	}
	if (connect(s, (struct sockaddr *)&ss, len))
		die("connect");
	for (i = 0; i < n; i++) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };

		wlen = snprintf(want, sizeof(want), "datagram %d", i);
		if (size > wlen) {
			memset(want + wlen, 'a' + i % 26, size - wlen);
			wlen = size;
		}
		send(s, want, wlen, 0);
		/* A late echo of an earlier datagram is not this one's. */
		while (poll(&pfd, 1, 2000) == 1) {
			r = recv(s, buf, sizeof(buf), 0);
			if (r < 0)
				break;
			if ((size_t)r == wlen && !memcmp(buf, want, wlen)) {
				echoed++;
				break;
			}
		}
	}
	printf("echoed=%d\n", echoed);
	return echoed == n ? 0 : 1;
}
