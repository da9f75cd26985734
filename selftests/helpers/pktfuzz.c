// SPDX-License-Identifier: GPL-2.0
/*
 * A packet-path fuzzer: random and mutated IPv4 and IPv6 packets, sent
 * raw on a link to the router, which forwards what its stack accepts
 * through flowsess.
 *
 *   pktfuzz IFACE ROUTER_MAC SRC4 DST4 SRC6 DST6 COUNT SEED
 *
 * Each packet is built plausible, then often broken: truncated headers,
 * lengths that lie, odd IHL and IPv4 options, IPv6 extension-header
 * chains (hop-by-hop, routing, fragment, destination options, AH) of any
 * length, TCP with any flags and any options, fragments, ICMP and ICMPv6
 * errors that quote random headers or a packet sent before (mostly turned
 * around, as the errors of its receiver would), and random bytes flipped
 * or cut. Addresses are mostly SRC and DST, and ports come
 * from a small set, so that packets meet sessions other packets made.
 * Prints "sent=N"; exits 0 when all COUNT went out.
 */
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdint.h>

#include "common.h"

#define PKT_MAX	1500

static uint64_t rng;
static struct in_addr src4, dst4;
static struct in6_addr src6, dst6;
static unsigned char last[PKT_MAX];	/* a packet sent before, to quote */
static size_t last_len;

static uint32_t rnd(void)
{
	return xorshift(&rng);
}

/* True with probability @pct percent. */
static int chance(unsigned int pct)
{
	return rnd() % 100 < pct;
}

/* One of @n values, or (1 time in 5) any byte. */
static uint8_t pick(const uint8_t *set, unsigned int n)
{
	return chance(80) ? set[rnd() % n] : (uint8_t)rnd();
}

#define PICK(...) pick((const uint8_t[]){ __VA_ARGS__ }, \
		       sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void fill(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = rnd();
}

static uint16_t port(void)
{
	static const uint16_t ports[] = { 22, 53, 80, 443, 1234, 5353, 40000, 40001 };

	return htons(chance(80) ? ports[rnd() % 8] : rnd());
}

/* TCP options: well-formed kinds, lengths that lie, and noise. */
static size_t tcp_options(unsigned char *p, size_t room)
{
	size_t n = 0;

	while (n < room && chance(70)) {
		unsigned char kind = PICK(0, 1, 2, 3, 4, 5, 8);
		unsigned char len = PICK(1, 4, 3, 2, 10);

		p[n++] = kind;
		if (n < room && kind > 1)
			p[n++] = len;
		while (n < room && len-- > 2)
			p[n++] = rnd();
	}
	return n;
}

/* An L4 header and payload for @proto at @p; returns its length. */
static size_t l4(unsigned char *p, size_t room, uint8_t proto, int v6);

static void swap(unsigned char *a, unsigned char *b, size_t n)
{
	unsigned char t;

	while (n--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/*
 * Turn a quoted packet around, addresses and ports: an error about it,
 * sent from SRC to DST, then quotes a packet DST sent, as a real one
 * would, and reaches the session lookup.
 */
static void turn_around(unsigned char *p, size_t n)
{
	size_t l4;

	if (n >= 20 && p[0] >> 4 == 4) {
		swap(p + 12, p + 16, 4);
		l4 = (p[0] & 0xf) * 4;
	} else if (n >= 40 && p[0] >> 4 == 6) {
		swap(p + 8, p + 24, 16);
		l4 = 40;
	} else {
		return;
	}
	if (l4 + 4 <= n)
		swap(p + l4, p + l4 + 2, 2);
}

/* A header quoted by an ICMP error: a packet sent before, or random. */
static size_t quoted(unsigned char *p, size_t room, int v6)
{
	size_t n;

	if (last_len && chance(60)) {
		n = last_len < room ? last_len : room;
		if (chance(50) && n > 28)
			n = 28 + rnd() % (n - 27);	/* what routers quote */
		memcpy(p, last, n);
		if (chance(70))
			turn_around(p, n);
		return n;
	}
	n = 20 + rnd() % 60;
	if (n > room)
		n = room;
	fill(p, n);
	p[0] = (v6 ? 0x60 : 0x45) | (chance(90) ? 0 : rnd() & 0x0f);
	if (!v6 && n >= 20)
		p[9] = PICK(IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP);
	if (v6 && n >= 40)
		p[6] = PICK(IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6, 44, 0);
	return n;
}

static size_t l4(unsigned char *p, size_t room, uint8_t proto, int v6)
{
	size_t n;

	if (room < 8)
		return 0;
	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = (struct tcphdr *)p;
		size_t opts;

		if (room < sizeof(*th))
			return 0;
		memset(th, 0, sizeof(*th));
		th->source = port();
		th->dest = port();
		th->seq = rnd() << 16 | rnd();
		th->ack_seq = rnd() << 16 | rnd();
		th->window = rnd();
		/* flags: S, A, SA, R, F, FA, RA, SF, or any */
		p[13] = PICK(0x02, 0x10, 0x12, 0x04, 0x01, 0x11, 0x14, 0x03);
		opts = tcp_options(p + sizeof(*th), room - sizeof(*th) < 40 ? room - sizeof(*th) : 40);
		opts = (opts + 3) & ~3UL;
		if (sizeof(*th) + opts > room)
			opts = 0;
		th->doff = chance(90) ? (sizeof(*th) + opts) / 4 : rnd() & 0xf;
		n = sizeof(*th) + opts + (chance(50) ? rnd() % 200 : 0);
		return n < room ? n : room;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = (struct udphdr *)p;

		n = sizeof(*uh) + rnd() % 300;
		if (n > room)
			n = room;
		fill(p, n);
		uh->source = port();
		uh->dest = port();
		uh->len = chance(80) ? htons(n) : rnd();
		return n;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		static const uint8_t t4[] = { 0, 8, 3, 11, 12, 4, 5, 13 };
		static const uint8_t t6[] = { 128, 129, 1, 2, 3, 4, 133, 135 };

		fill(p, 8);
		p[0] = pick(v6 ? t6 : t4, 8);
		if (p[0] == 8 || p[0] == 0 || p[0] == 128 || p[0] == 129)
			memcpy(p + 4, "\x12\x34", 2);
		n = 8 + quoted(p + 8, room - 8, v6);
		return n;
	}
	default:
		n = rnd() % 100;
		if (n > room)
			n = room;
		fill(p, n);
		return n;
	}
}

static uint8_t proto(int v6)
{
	return PICK(IPPROTO_TCP, IPPROTO_UDP, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
}

static size_t ipv4(unsigned char *p)
{
	struct iphdr *iph = (struct iphdr *)p;
	size_t hl = 20, n;

	memset(iph, 0, sizeof(*iph));
	if (chance(10)) {
		hl = 20 + 4 * (rnd() % 11);
		fill(p + 20, hl - 20);
	}
	iph->version = chance(98) ? 4 : rnd();
	iph->ihl = chance(95) ? hl / 4 : rnd();
	iph->ttl = chance(98) ? 64 : rnd();
	iph->id = rnd();
	iph->protocol = proto(0);
	iph->saddr = chance(85) ? src4.s_addr : rnd() << 16 | rnd();
	iph->daddr = chance(90) ? dst4.s_addr : rnd() << 16 | rnd();
	if (chance(85))
		iph->frag_off = htons(IP_DF);
	else if (chance(50))
		iph->frag_off = htons(IP_MF);
	else
		iph->frag_off = rnd();
	n = hl + l4(p + hl, PKT_MAX - hl, iph->protocol, 0);
	iph->tot_len = chance(90) ? htons(n) : rnd();
	iph->check = chance(95) ? htons(csum_fold(csum_add(0, p, hl))) : rnd();
	return n;
}

static size_t ipv6(unsigned char *p)
{
	static const uint8_t ext[] = { 0, 43, 44, 60, 51 };
	struct ip6_hdr *ip6h = (struct ip6_hdr *)p;
	uint8_t *next = &ip6h->ip6_nxt;
	size_t n = sizeof(*ip6h), hl;
	int i, exts = chance(60) ? 0 : rnd() % 4;

	memset(ip6h, 0, sizeof(*ip6h));
	ip6h->ip6_flow = htonl(6 << 28);
	ip6h->ip6_hlim = chance(98) ? 64 : rnd();
	ip6h->ip6_src = src6;
	ip6h->ip6_dst = dst6;
	if (chance(10))
		fill(ip6h->ip6_src.s6_addr + 8, 8);
	if (chance(10))
		fill(ip6h->ip6_dst.s6_addr + 8, 8);
	for (i = 0; i < exts && n + 16 < PKT_MAX; i++) {
		uint8_t type = pick(ext, 5);

		*next = type;
		next = p + n;
		hl = type == 44 ? 8 : type == 51 ? 8 + 4 * (rnd() % 4) : 8 * (1 + rnd() % 3);
		if (n + hl > PKT_MAX)
			break;
		fill(p + n, hl);
		if (type == 44) {
			/* first, middle or last fragment, or any */
			p[n + 2] = chance(50) ? 0 : rnd();
			p[n + 3] = chance(50) ? 1 : rnd();
		} else if (type == 51) {
			p[n + 1] = chance(90) ? hl / 4 - 2 : rnd();
		} else {
			p[n + 1] = chance(90) ? hl / 8 - 1 : rnd();
		}
		n += hl;
	}
	*next = proto(1);
	n += l4(p + n, PKT_MAX - n, *next, 1);
	ip6h->ip6_plen = chance(90) ? htons(n - sizeof(*ip6h)) : rnd();
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned char pkt[PKT_MAX];
	unsigned long count, sent = 0, i;
	unsigned int mac[ETH_ALEN];
	int s, v6, j;
	size_t n;

	if (argc != 9 || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2],
				&mac[3], &mac[4], &mac[5]) != 6 ||
	    inet_pton(AF_INET, argv[3], &src4) != 1 || inet_pton(AF_INET, argv[4], &dst4) != 1 ||
	    inet_pton(AF_INET6, argv[5], &src6) != 1 || inet_pton(AF_INET6, argv[6], &dst6) != 1) {
		fprintf(stderr, "usage: pktfuzz IFACE ROUTER_MAC SRC4 DST4 SRC6 DST6 COUNT SEED\n");
		return 2;
	}
	for (j = 0; j < ETH_ALEN; j++)
		sll.sll_addr[j] = mac[j];
	sll.sll_ifindex = if_nametoindex(argv[1]);
	count = strtoul(argv[7], NULL, 0);
	rng = xorshift_seed(strtoull(argv[8], NULL, 0));
	s = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (s < 0 || !sll.sll_ifindex)
		die("socket/interface");
	for (i = 0; i < count; i++) {
		v6 = chance(45);
		n = v6 ? ipv6(pkt) : ipv4(pkt);
		if (chance(25))
			for (j = rnd() % 4; j >= 0; j--)
				pkt[rnd() % n] ^= 1 << (rnd() % 8);
		if (chance(10))
			n = rnd() % n + 1;
		if (chance(60)) {
			memcpy(last, pkt, n);
			last_len = n;
		}
		sll.sll_protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
		while (sendto(s, pkt, n, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				fprintf(stderr, "packet %lu: %s\n", i, strerror(errno));
				goto out;
			}
			usleep(100);
		}
		sent++;
	}
out:
	printf("sent=%lu\n", sent);
	return sent == count ? 0 : 1;
}
