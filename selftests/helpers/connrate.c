// SPDX-License-Identifier: GPL-2.0
/*
 * New connections per second, for make bench.
 *
 *   connrate server ADDR PORT           accept and close at once, forever
 *   connrate client ADDR PORT N WORKERS N connections (handshake, the
 *                                       server's FIN, close) over WORKERS
 *                                       processes; print "conns=N ms=T
 *                                       failed=F" (F counts at most 255
 *                                       per worker)
 *
 * The server closes first, so the client's ports are free again at once.
 */
#include <sys/time.h>
#include <sys/wait.h>

#include "common.h"

static void __attribute__((noreturn)) server(struct sockaddr_storage *ss, socklen_t len)
{
	int s = listen_on(ss, len, 1024), c;

	for (;;) {
		c = accept(s, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

/*
 * @n connections, one after the other; returns how many failed. A
 * connection that hangs (its end never comes) fails after 5 s.
 */
static int worker(struct sockaddr_storage *ss, socklen_t len, long n)
{
	struct timeval tv = { .tv_sec = 5 };
	int failed = 0, s;
	char byte;
	long i;

	for (i = 0; i < n; i++) {
		s = socket(ss->ss_family, SOCK_STREAM, 0);
		if (s < 0)
			die("socket");
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(s, (struct sockaddr *)ss, len) || recv(s, &byte, 1, 0) != 0)
			failed++;
		close(s);
	}
	return failed;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	long n, workers, i;
	int status, failed = 0;
	long long start;
	socklen_t len;

	if (argc == 4 && !strcmp(argv[1], "server")) {
		len = sockaddr_parse(argv[2], argv[3], &ss);
		server(&ss, len);
	}
	if (argc != 6 || strcmp(argv[1], "client")) {
		fprintf(stderr, "usage: connrate server ADDR PORT | client ADDR PORT N WORKERS\n");
		return 2;
	}
	len = sockaddr_parse(argv[2], argv[3], &ss);
	n = strtol(argv[4], NULL, 10);
	workers = strtol(argv[5], NULL, 10);
	if (n < 1 || workers < 1 || workers > 64)
		return fprintf(stderr, "connrate: bad N or WORKERS\n"), 2;
	start = now_ms();
	for (i = 0; i < workers; i++) {
		if (!fork())
			exit(min_int(worker(&ss, len, n / workers + (i < n % workers)), 255));
	}
	while (wait(&status) > 0)
		failed += WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	printf("conns=%ld ms=%lld failed=%d\n", n, now_ms() - start, failed);
	return 0;
}
