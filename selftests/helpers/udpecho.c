// SPDX-License-Identifier: GPL-2.0
/*
 * UDP through the router (busybox nc has no UDP mode).
 *
 *   udpecho server ADDR PORT [SECONDS]
 *                                 echo datagrams for SECONDS (10)
 *   udpecho client ADDR PORT N [SPORT]
 *                                 send N datagrams (from port SPORT if
 *                                 given), each once the last came back or
 *                                 after 2 s; print "echoed=K"; exit 0 if
 *                                 all N came back
 */
#include <poll.h>

#include "common.h"

int main(int argc, char **argv)
{
	struct sockaddr_storage ss, peer;
	socklen_t len, plen;
	char buf[512];
	int s, i, n, echoed = 0;
	ssize_t r;

	if (argc < 4 || (strcmp(argv[1], "server") && argc < 5)) {
		fprintf(stderr, "usage: udpecho server ADDR PORT [SECONDS] | client ADDR PORT N [SPORT]\n");
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
	if (argc > 5) {
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
		char want[32];

		snprintf(want, sizeof(want), "datagram %d", i);
		send(s, want, strlen(want), 0);
		/* A late echo of an earlier datagram is not this one's. */
		while (poll(&pfd, 1, 2000) == 1) {
			r = recv(s, buf, sizeof(buf) - 1, 0);
			if (r < 0)
				break;
			buf[r] = '\0';
			if (!strcmp(buf, want)) {
				echoed++;
				break;
			}
		}
	}
	printf("echoed=%d\n", echoed);
	return echoed == n ? 0 : 1;
}
