// SPDX-License-Identifier: GPL-2.0
/*
 * A bulk TCP transfer, to prove sequence checking lets real TCP through.
 *
 *   tcpbulk server ADDR PORT         count the bytes of each connection
 *                                    and answer with their number
 *   tcpbulk client ADDR PORT BYTES [GO_FILE]
 *                                    send BYTES, then read the count back;
 *                                    print "sent=N received=N ms=T";
 *                                    exit 0 if they agree
 *
 * With GO_FILE the client, once connected, waits until GO_FILE exists
 * before it sends: a test can look at the live connection (ss -ti) first.
 * T counts from then. The client gives up after 120 s.
 */
#include "common.h"

static void __attribute__((noreturn)) server(struct sockaddr_storage *ss, socklen_t len)
{
	static char buf[65536];
	int s = listen_on(ss, len, 16), c;
	long long total;
	char reply[32];
	ssize_t n;

	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			die("accept");
		total = 0;
		while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
			total += n;
		n = snprintf(reply, sizeof(reply), "%lld\n", total);
		send(c, reply, n, MSG_NOSIGNAL);
		close(c);
	}
}

static int client(struct sockaddr_storage *ss, socklen_t len, long long bytes,
		  const char *go)
{
	static char buf[65536];
	long long sent = 0, received = -1, start;
	char reply[32] = "";
	ssize_t n;
	int s;

	memset(buf, 'x', sizeof(buf));
	s = socket(ss->ss_family, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	start = now_ms();
	if (connect(s, (struct sockaddr *)ss, len))
		die("connect");
	if (go) {
		while (access(go, F_OK))
			usleep(10000);
		start = now_ms();
	}
	while (sent < bytes) {
		long long chunk = bytes - sent < (long long)sizeof(buf) ?
				  bytes - sent : (long long)sizeof(buf);

		n = send(s, buf, chunk, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		sent += n;
	}
	shutdown(s, SHUT_WR);
	n = recv(s, reply, sizeof(reply) - 1, MSG_WAITALL);
	if (n > 0)
		received = strtoll(reply, NULL, 10);
	printf("sent=%lld received=%lld ms=%lld\n", sent, received, now_ms() - start);
	close(s);
	return sent == bytes && received == bytes ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (argc == 4 && !strcmp(argv[1], "server")) {
		len = sockaddr_parse(argv[2], argv[3], &ss);
		server(&ss, len);
	}
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "client")) {
		len = sockaddr_parse(argv[2], argv[3], &ss);
		alarm(120);
		return client(&ss, len, strtoll(argv[4], NULL, 10),
			      argc == 6 ? argv[5] : NULL);
	}
	fprintf(stderr, "usage: tcpbulk server ADDR PORT | client ADDR PORT BYTES [GO_FILE]\n");
	return 2;
}
