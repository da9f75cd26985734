// SPDX-License-Identifier: GPL-2.0
/*
 * A steady TCP stream, to show that a flow never stops.
 *
 *   tcpstream server ADDR PORT       take one connection; print the bytes
 *                                    received in each second from the
 *                                    first byte, one line per second,
 *                                    "second=N bytes=B"; at the end (the
 *                                    client gone) "seconds=N min=B
 *                                    gap_ms=G", over whole seconds only:
 *                                    G is the longest time without a byte
 *   tcpstream client ADDR PORT       send 16 KiB every 10 ms until killed
 *                                    or the connection fails
 *
 * A second with no byte (min=0) is a second the flow stood still.
 */
#include "common.h"

#define CHUNK		16384
#define PACE_MS		10

static int server(struct sockaddr_storage *ss, socklen_t len)
{
	static char buf[65536];
	long long start = -1, last = 0, gap = 0, bytes = 0, min = -1, t;
	int s = listen_on(ss, len, 1), c, second = 0;
	struct pollfd pfd;
	ssize_t n;

	c = accept(s, NULL, NULL);
	if (c < 0)
		die("accept");
	pfd.fd = c;
	pfd.events = POLLIN;
	for (;;) {
		int wait = start < 0 ? -1 : (int)(start + (second + 1) * 1000LL - now_ms());

		if (wait < 0 && start >= 0)
			wait = 0;
		if (poll(&pfd, 1, wait) < 0)
			die("poll");
		t = now_ms();
		/* Close every second that has ended, with or without bytes. */
		while (start >= 0 && t >= start + (second + 1) * 1000LL) {
			printf("second=%d bytes=%lld\n", second, bytes);
			fflush(stdout);
			if (min < 0 || bytes < min)
				min = bytes;
			bytes = 0;
			second++;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(c, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		if (start < 0)
			start = t;
		else if (t - last > gap)
			gap = t - last;
		last = t;
		bytes += n;
	}
	printf("seconds=%d min=%lld gap_ms=%lld\n", second, min < 0 ? 0 : min, gap);
	return second > 0 ? 0 : 1;
}

static int client(struct sockaddr_storage *ss, socklen_t len)
{
	static char buf[CHUNK];
	long long next;
	int s;

	memset(buf, 'x', sizeof(buf));
	s = socket(ss->ss_family, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	if (connect(s, (struct sockaddr *)ss, len))
		die("connect");
	next = now_ms();
	for (;;) {
		if (send(s, buf, sizeof(buf), MSG_NOSIGNAL) < 0)
			die("send");
		next += PACE_MS;
		sleep_until_ms(next);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: tcpstream server|client ADDR PORT\n");
		return 2;
	}
	len = sockaddr_parse(argv[2], argv[3], &ss);
	if (!strcmp(argv[1], "server"))
		return server(&ss, len);
	if (!strcmp(argv[1], "client"))
		return client(&ss, len);
	fprintf(stderr, "tcpstream: server or client\n");
	return 2;
}
