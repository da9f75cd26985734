/* SPDX-License-Identifier: GPL-2.0 */
/* Shared bits of the selftest helpers: addresses, clocks, errors. */
#ifndef FLOWSESS_HELPERS_COMMON_H
#define FLOWSESS_HELPERS_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A fuzzer's numbers: xorshift64, the same from the same seed. */
static inline uint64_t xorshift_seed(unsigned long long seed)
{
	return seed * 0x9e3779b97f4a7c15ULL | 1;
}

static inline uint32_t xorshift(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state >> 16;
}

static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(2);
}

/*
 * Systematic fault injection (debug kernel, CONFIG_FAULT_INJECTION): the
 * @n-th allocation this thread makes in the kernel from now on fails
 * (failslab and fail_page_alloc, as their filters let them). Returns the
 * open fail-nth file for fail_nth_used().
 */
static inline int fail_nth_arm(unsigned int n)
{
	char buf[16];
	int fd = open("/proc/thread-self/fail-nth", O_RDWR);

	if (fd < 0)
		die("/proc/thread-self/fail-nth");
	snprintf(buf, sizeof(buf), "%u", n);
	if (write(fd, buf, strlen(buf)) < 0)
		die("fail-nth");
	return fd;
}

/* Whether the armed fault happened; disarms it either way. */
static inline int fail_nth_used(int fd)
{
	char buf[16] = "";
	ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);

	if (r < 0 || write(fd, "0", 1) < 0)
		die("fail-nth");
	close(fd);
	return atoi(buf) == 0;
}

/* Parse an IPv4 or IPv6 literal and a port into @ss; returns its length. */
static inline socklen_t sockaddr_parse(const char *addr, const char *port,
				       struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port));
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		return sizeof(*sin6);
	}
	fprintf(stderr, "not an IP address: %s\n", addr);
	exit(2);
}

/* A TCP socket listening on @ss (SO_REUSEADDR), or exit. */
static inline int listen_on(const struct sockaddr_storage *ss, socklen_t len,
			    int backlog)
{
	int one = 1, s = socket(ss->ss_family, SOCK_STREAM, 0);

	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (const struct sockaddr *)ss, len) || listen(s, backlog))
		die("bind/listen");
	return s;
}

/* The Internet checksum (RFC 1071): add @len bytes to @sum, then fold. */
static inline unsigned long csum_add(unsigned long sum, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

/* The checksum to write, in host order: htons() it. */
static inline unsigned short csum_fold(unsigned long sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Milliseconds on the monotonic clock. */
static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static inline void sleep_until_ms(long long t)
{
	long long d = t - now_ms();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = d / 1000;
	ts.tv_nsec = (d % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/*
 * Send message number @seq on the stream socket @s and wait up to @wait_ms
 * for its echo. Returns 1 if it came back, 0 if not, -1 if sending failed.
 */
static inline int echo_once(int s, int seq, int wait_ms)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	char msg[32], buf[64];
	int n = snprintf(msg, sizeof(msg), "msg %d", seq);

	if (send(s, msg, n, MSG_NOSIGNAL) != n)
		return -1;
	return poll(&pfd, 1, wait_ms) == 1 && recv(s, buf, sizeof(buf), 0) == n;
}

#endif
