// SPDX-License-Identifier: GPL-2.0
/*
 * Let a device send IPv4 BIG TCP packets: GSO packets above 64 KiB, whose
 * IPv4 header says tot_len 0 (kernels 6.3 and later). Debian 12's
 * iproute2 cannot set it.
 *
 *   biggso DEV SIZE     set DEV's gso_max_size and gso_ipv4_max_size
 *
 * Exits 0 when the kernel accepted both, else prints its error.
 */
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "common.h"

/* The host's headers may be older than the kernel under test. */
#define BIGGSO_IFLA_GSO_MAX_SIZE	41
#define BIGGSO_IFLA_GSO_IPV4_MAX_SIZE	63

static void put_u32(struct nlmsghdr *nlh, unsigned short type, uint32_t value)
{
	struct rtattr *rta = (struct rtattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(sizeof(value));
	memcpy(RTA_DATA(rta), &value, sizeof(value));
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

int main(int argc, char **argv)
{
	char buf[1024] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	struct nlmsgerr *err;
	uint32_t size;
	ssize_t n;
	int s;

	if (argc != 3) {
		fprintf(stderr, "usage: biggso DEV SIZE\n");
		return 2;
	}
	size = strtoul(argv[2], NULL, 10);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = if_nametoindex(argv[1]);
	if (!ifi->ifi_index)
		die(argv[1]);
	put_u32(nlh, BIGGSO_IFLA_GSO_MAX_SIZE, size);
	put_u32(nlh, BIGGSO_IFLA_GSO_IPV4_MAX_SIZE, size);

	s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (s < 0)
		die("socket");
	if (send(s, buf, nlh->nlmsg_len, 0) != (ssize_t)nlh->nlmsg_len)
		die("send");
	n = recv(s, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*err)) || nlh->nlmsg_type != NLMSG_ERROR)
		die("recv");
	err = NLMSG_DATA(nlh);
	if (err->error) {
		fprintf(stderr, "biggso: %s: %s\n", argv[1], strerror(-err->error));
		return 1;
	}
	return 0;
}
