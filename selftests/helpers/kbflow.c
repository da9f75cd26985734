// SPDX-License-Identifier: GPL-2.0
/*
 * The SCENARIO's sequence, with real sockets.
 *
 *   kbflow server ADDR PORT SYNCDIR
 *	waits until the client was refused, then listens on ADDR:PORT and
 *	echoes one connection.
 *   kbflow client SRCPORT ADDR PORT SYNCDIR
 *	connects from SRCPORT (refused: nobody listens yet), retries from
 *	the same port 500 ms after the refusal, then sends one message every
 *	100 ms (KBFLOW_INTERVAL_MS, to time the stall closer) for 5 s and
 *	waits up to 400 ms for each echo.
 *
 * The client prints key=value lines: refused, connected, sent, echoed and
 * stall_ms, the time from the refusal to the first message that was not
 * echoed (-1: none). SYNCDIR holds the two handshake files.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "common.h"

#define RETRY_AFTER_MS	500
#define INTERVAL_MS	100	/* the SCENARIO's client */
#define RUN_MS		5000
#define ECHO_WAIT_MS	400

static void touch(const char *dir, const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die(path);
	close(fd);
}

static int wait_file(const char *dir, const char *name, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	while (stat(path, &st)) {
		if (now_ms() > end)
			return -1;
		usleep(5000);
	}
	return 0;
}

static int server(char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_parse(argv[0], argv[1], &ss);
	char buf[512];
	int s, c;
	ssize_t n;

	alarm(20);
	if (wait_file(argv[2], "refused", 10000))
		return fprintf(stderr, "server: the client never reported\n"), 1;
	s = listen_on(&ss, len, 4);
	touch(argv[2], "listening");
	c = accept(s, NULL, NULL);
	if (c < 0)
		die("accept");
	while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
		if (send(c, buf, n, 0) != n)
			break;
	return 0;
}

static int client_socket(int family, const char *srcport)
{
	struct sockaddr_storage src;
	socklen_t len;
	int one = 1, s;

	len = sockaddr_parse(family == AF_INET ? "0.0.0.0" : "::", srcport, &src);
	s = socket(family, SOCK_STREAM, 0);
	if (s < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&src, len))
		die("bind");
	return s;
}

static int client(char **argv)
{
	struct sockaddr_storage dst;
	socklen_t len = sockaddr_parse(argv[1], argv[2], &dst);
	const char *interval_env = getenv("KBFLOW_INTERVAL_MS");
	int interval = interval_env ? atoi(interval_env) : INTERVAL_MS;
	int sent = 0, echoed = 0, refused, s;
	long long t_rst, next, stall = -1;

	if (interval <= 0)
		interval = INTERVAL_MS;

	alarm(20);
	s = client_socket(dst.ss_family, argv[0]);
	refused = connect(s, (struct sockaddr *)&dst, len) && errno == ECONNREFUSED;
	t_rst = now_ms();
	close(s);
	printf("refused=%d\n", refused);
	touch(argv[3], "refused");
	if (!refused || wait_file(argv[3], "listening", 5000))
		return 1;

	sleep_until_ms(t_rst + RETRY_AFTER_MS);
	s = client_socket(dst.ss_family, argv[0]);
	if (connect(s, (struct sockaddr *)&dst, len)) {
		printf("connected=0\nconnect_errno=%d\n", errno);
		return 1;
	}
	printf("connected=1\nconnect_ms=%lld\n", now_ms() - t_rst);

	for (next = now_ms(); next < t_rst + RETRY_AFTER_MS + RUN_MS; next += interval) {
		long long sent_at;
		int r;

		sleep_until_ms(next);
		sent_at = now_ms();
		r = echo_once(s, sent, ECHO_WAIT_MS);
		if (r < 0)
			break;
		sent++;
		if (r) {
			echoed++;
			continue;
		}
		stall = sent_at - t_rst;
		break;
	}
	printf("sent=%d\nechoed=%d\nstall_ms=%lld\n", sent, echoed, stall);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "server"))
		return server(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "client"))
		return client(argv + 2);
	fprintf(stderr, "usage: kbflow server ADDR PORT SYNCDIR\n"
			"       kbflow client SRCPORT ADDR PORT SYNCDIR\n");
	return 2;
}
