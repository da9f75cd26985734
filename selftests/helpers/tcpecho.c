// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP connection that stays open and keeps talking.
 *
 *   tcpecho server ADDR PORT SECONDS   echo one connection at a time
 *   tcpecho client ADDR PORT SECONDS   connect, then send a message every
 *                                      100 ms and wait up to 1 s for its
 *                                      echo; print "sent=N echoed=K";
 *                                      exit 0 if every message came back
 */
#include "common.h"

static void __attribute__((noreturn)) server(struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1, s, c;
	char buf[512];
	ssize_t n;

	s = socket(ss->ss_family, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)ss, len) || listen(s, 16))
		die("bind/listen");
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

static int client(struct sockaddr_storage *ss, socklen_t len, int seconds)
{
	long long next, end;
	int s, sent = 0, echoed = 0;

	s = socket(ss->ss_family, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	if (connect(s, (struct sockaddr *)ss, len)) {
		printf("connected=0 errno=%d\n", errno);
		return 1;
	}
	printf("connected=1\n");
	fflush(stdout);
	end = now_ms() + seconds * 1000LL;
	for (next = now_ms(); next < end; next += 100) {
		int r;

		sleep_until_ms(next);
		r = echo_once(s, sent, 1000);
		if (r < 0)
			break;
		sent++;
		echoed += r;
	}
	printf("sent=%d echoed=%d\n", sent, echoed);
	close(s);
	return sent && echoed == sent ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int seconds;

	if (argc != 5 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
		fprintf(stderr, "usage: tcpecho server|client ADDR PORT SECONDS\n");
		return 2;
	}
	len = sockaddr_parse(argv[2], argv[3], &ss);
	seconds = atoi(argv[4]);
	alarm(seconds + 10);
	if (!strcmp(argv[1], "server"))
		server(&ss, len);
	return client(&ss, len, seconds);
}
