// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP connection that stays open and keeps talking.
 *
 *   tcpecho server ADDR PORT SECONDS   echo one connection at a time
 *   tcpecho client ADDR PORT SECONDS [SPORT]
 *                                      connect (from port SPORT if given),
 *                                      then send a message every 100 ms
 *                                      for SECONDS; print "sent=N
 *                                      echoed=K"; exit 0 if every message
 *                                      came back, at the latest 10 s after
 *                                      the last was sent
 *
 * TCP loses nothing by itself, so a message that never comes back means
 * the connection died; a slow machine only delays echoes.
 */
#include <poll.h>

#include "common.h"

static void __attribute__((noreturn)) server(struct sockaddr_storage *ss, socklen_t len)
{
	int s = listen_on(ss, len, 16), c;
	char buf[512];
	ssize_t n;

	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			die("accept");
		while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
			if (send(c, buf, n, MSG_NOSIGNAL) != n)
				break;
		close(c);
	}
}

#define MSG_LEN 10	/* "msg 000042" */

static int client(struct sockaddr_storage *ss, socklen_t len, int seconds,
		  const char *sport)
{
	long long now, next, end, drain;
	char msg[16], buf[4096];
	long received = 0;
	int s, sent = 0;
	ssize_t n;

	s = socket(ss->ss_family, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	if (sport) {
		struct sockaddr_storage src;
		socklen_t slen = sockaddr_parse(ss->ss_family == AF_INET ? "0.0.0.0" : "::",
						sport, &src);
		int one = 1;

		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&src, slen))
			die("bind");
	}
	if (connect(s, (struct sockaddr *)ss, len)) {
		printf("connected=0 errno=%d\n", errno);
		return 1;
	}
	printf("connected=1\n");
	fflush(stdout);
	next = now_ms();
	end = next + seconds * 1000LL;
	drain = end + 10000;
	for (;;) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };

		now = now_ms();
		if (next < end && now >= next) {
			snprintf(msg, sizeof(msg), "msg %06d", sent % 1000000);
			if (send(s, msg, MSG_LEN, MSG_NOSIGNAL) != MSG_LEN)
				break;
			sent++;
			next += 100;
			continue;
		}
		if ((next >= end && received >= (long)sent * MSG_LEN) || now >= drain)
			break;
		if (poll(&pfd, 1, (next < end ? next : drain) - now) == 1) {
			n = recv(s, buf, sizeof(buf), 0);
			if (n <= 0)
				break;
			received += n;
		}
	}
	printf("sent=%d echoed=%ld\n", sent, received / MSG_LEN);
	close(s);
	return sent && received == (long)sent * MSG_LEN ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int seconds;

	if (argc < 5 || argc > 6 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
		fprintf(stderr, "usage: tcpecho server ADDR PORT SECONDS\n"
				"       tcpecho client ADDR PORT SECONDS [SPORT]\n");
		return 2;
	}
	len = sockaddr_parse(argv[2], argv[3], &ss);
	seconds = atoi(argv[4]);
	alarm(seconds + 20);
	if (!strcmp(argv[1], "server"))
		server(&ss, len);
	return client(&ss, len, seconds, argc == 6 ? argv[5] : NULL);
}
