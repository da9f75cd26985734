// SPDX-License-Identifier: GPL-2.0
/*
 * Many UDP sessions at once: one datagram from each of NSPORT source ports
 * (from SPORT on) to each of NDPORT destination ports (from DPORT on).
 *
 *   udpflood DST SPORT NSPORT DPORT NDPORT [SRC]
 *
 * From SRC, when given, which may be another host's address (a spoofed
 * flood: the sockets are IP_TRANSPARENT, which needs CAP_NET_ADMIN).
 * Prints "sent=N"; exits 0 when every datagram was sent.
 */
#include "common.h"

static void set_port(struct sockaddr_storage *ss, unsigned long port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst, src;
	unsigned long sport, nsport, dport, ndport, i, j, sent = 0;
	socklen_t len;
	int s, one = 1;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: udpflood DST SPORT NSPORT DPORT NDPORT [SRC]\n");
		return 2;
	}
	sport = strtoul(argv[2], NULL, 10);
	nsport = strtoul(argv[3], NULL, 10);
	dport = strtoul(argv[4], NULL, 10);
	ndport = strtoul(argv[5], NULL, 10);
	if (sport + nsport > 65536 || dport + ndport > 65536 || !sport || !dport) {
		fprintf(stderr, "udpflood: ports out of range\n");
		return 2;
	}
	len = sockaddr_parse(argv[1], "0", &dst);
	if (argc == 7)
		sockaddr_parse(argv[6], "0", &src);
	else
		sockaddr_parse(dst.ss_family == AF_INET ? "0.0.0.0" : "::", "0", &src);
	if (src.ss_family != dst.ss_family) {
		fprintf(stderr, "udpflood: SRC and DST of two families\n");
		return 2;
	}
	for (i = 0; i < nsport; i++) {
		s = socket(dst.ss_family, SOCK_DGRAM, 0);
		if (s < 0)
			die("socket");
		if (argc == 7 && setsockopt(s, dst.ss_family == AF_INET ? SOL_IP : SOL_IPV6,
					    dst.ss_family == AF_INET ? IP_TRANSPARENT :
								       IPV6_TRANSPARENT,
					    &one, sizeof(one)))
			die("IP_TRANSPARENT");
		set_port(&src, sport + i);
		if (bind(s, (struct sockaddr *)&src, len))
			die("bind");
		for (j = 0; j < ndport; j++) {
			set_port(&dst, dport + j);
			if (sendto(s, "x", 1, 0, (struct sockaddr *)&dst, len) == 1)
				sent++;
			/* Let the forwarding path drain its backlog now and then. */
			if (!(j % 256))
				usleep(200);
		}
		close(s);
	}
	printf("sent=%lu\n", sent);
	return sent == nsport * ndport ? 0 : 1;
}
