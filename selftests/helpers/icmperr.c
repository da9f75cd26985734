// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors, real and made by hand.
 *
 *   icmperr refused ADDR PORT
 *       send UDP datagrams to ADDR PORT, where nobody listens, on a
 *       connected socket until the port unreachable error comes back as
 *       ECONNREFUSED; exit 0 then, 1 if none came within 5 s
 *   icmperr send DST QSRC QDST PROTO SPORT DPORT
 *       send DST a port unreachable error (ICMP or ICMPv6, by the address
 *       family) that quotes a packet QSRC:SPORT -> QDST:DPORT of PROTO
 *       ("tcp" or "udp"); the kernel writes the outer IP header
 */
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>

#include "common.h"

static int refused(const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_parse(addr, port, &ss);
	struct pollfd pfd = { .events = POLLIN };
	long long end = now_ms() + 5000;
	char buf[16];

	pfd.fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (pfd.fd < 0 || connect(pfd.fd, (struct sockaddr *)&ss, len))
		die("socket/connect");
	while (now_ms() < end) {
		if (send(pfd.fd, "x", 1, 0) < 0 && errno == ECONNREFUSED)
			goto refused;
		if (poll(&pfd, 1, 500) == 1 && recv(pfd.fd, buf, sizeof(buf), 0) < 0 &&
		    errno == ECONNREFUSED)
			goto refused;
	}
	printf("no port unreachable came back\n");
	return 1;
refused:
	printf("refused\n");
	return 0;
}

/* The quoted packet's first 8 bytes past its IP header: the ports. */
static void put_ports(unsigned char *l4, const char *sport, const char *dport)
{
	unsigned short p[2] = { htons(atoi(sport)), htons(atoi(dport)) };

	memcpy(l4, p, sizeof(p));
}

static int proto_of(const char *name)
{
	if (!strcmp(name, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(name, "udp"))
		return IPPROTO_UDP;
	fprintf(stderr, "PROTO: tcp or udp, not %s\n", name);
	exit(2);
}

static int send_error(char **argv)
{
	struct sockaddr_storage dst, qsrc, qdst;
	socklen_t len = sockaddr_parse(argv[0], "0", &dst);
	unsigned char msg[8 + 40 + 8] = { 0 };
	size_t n;
	int s;

	sockaddr_parse(argv[1], "0", &qsrc);
	sockaddr_parse(argv[2], "0", &qdst);
	if (qsrc.ss_family != dst.ss_family || qdst.ss_family != dst.ss_family) {
		fprintf(stderr, "one address family for all three addresses\n");
		return 2;
	}
	if (dst.ss_family == AF_INET) {
		struct icmphdr *ih = (struct icmphdr *)msg;
		struct iphdr *iph = (struct iphdr *)(msg + sizeof(*ih));

		ih->type = ICMP_DEST_UNREACH;
		ih->code = ICMP_PORT_UNREACH;
		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->tot_len = htons(sizeof(*iph) + 28);
		iph->protocol = proto_of(argv[3]);
		iph->saddr = ((struct sockaddr_in *)&qsrc)->sin_addr.s_addr;
		iph->daddr = ((struct sockaddr_in *)&qdst)->sin_addr.s_addr;
		iph->check = htons(csum_fold(csum_add(0, iph, sizeof(*iph))));
		put_ports((unsigned char *)(iph + 1), argv[4], argv[5]);
		n = sizeof(*ih) + sizeof(*iph) + 8;
		ih->checksum = htons(csum_fold(csum_add(0, msg, n)));
		s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	} else {
		struct icmp6_hdr *ih = (struct icmp6_hdr *)msg;
		struct ip6_hdr *ip6h = (struct ip6_hdr *)(msg + 8);

		ih->icmp6_type = ICMP6_DST_UNREACH;
		ih->icmp6_code = ICMP6_DST_UNREACH_NOPORT;
		ip6h->ip6_flow = htonl(6 << 28);
		ip6h->ip6_plen = htons(28);
		ip6h->ip6_nxt = proto_of(argv[3]);
		ip6h->ip6_hlim = 64;
		ip6h->ip6_src = ((struct sockaddr_in6 *)&qsrc)->sin6_addr;
		ip6h->ip6_dst = ((struct sockaddr_in6 *)&qdst)->sin6_addr;
		put_ports((unsigned char *)(ip6h + 1), argv[4], argv[5]);
		n = 8 + sizeof(*ip6h) + 8;
		/* The kernel sums ICMPv6 on raw sockets. */
		s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	}
	if (s < 0)
		die("socket");
	if (sendto(s, msg, n, 0, (struct sockaddr *)&dst, len) != (ssize_t)n)
		die("sendto");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "refused"))
		return refused(argv[2], argv[3]);
	if (argc == 8 && !strcmp(argv[1], "send"))
		return send_error(argv + 2);
	fprintf(stderr, "usage: icmperr refused ADDR PORT\n"
			"       icmperr send DST QSRC QDST tcp|udp SPORT DPORT\n");
	return 2;
}
