// SPDX-License-Identifier: GPL-2.0
/*
 * A steady TCP stream, to show that a flow never stops.
 *
 *   tcpstream server ADDR PORT       take one connection and count what
 *                                    arrives in each second from the first
 *                                    byte, by the kernel's receive
 *                                    timestamps (so that a server late to
 *                                    read sees no false silence); print
 *                                    "second=N" as each second passes; at
 *                                    the end (the client gone, or SIGTERM)
 *                                    "seconds=N min=B gap_ms=G": the whole
 *                                    seconds, the fewest bytes one of them
 *                                    had, the longest time without a byte
 *   tcpstream client ADDR PORT       send 16 KiB every 10 ms until killed
 *                                    or the connection fails
 *
 * A second with no byte (min=0) is a second the flow stood still.
 */
#include <signal.h>

#include "common.h"

#define CHUNK		16384
#define PACE_MS		10
#define MAX_SECONDS	3600

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long long realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One read, and when its last byte arrived (the receive timestamp). */
static ssize_t recv_stamped(int c, char *buf, size_t len, long long *when)
{
	char control[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(c, &msg, 0);

	*when = realtime_ns();
	for (cm = CMSG_FIRSTHDR(&msg); n > 0 && cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			if (ts.tv_sec)
				*when = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
	}
	return n;
}

static int server(struct sockaddr_storage *ss, socklen_t len)
{
	static long long bytes[MAX_SECONDS];
	static char buf[CHUNK];
	long long first = -1, last = 0, gap = 0, min = -1, when;
	int s = listen_on(ss, len, 1), one = 1, c, shown = 0, seconds, i;
	struct sigaction sa = { .sa_handler = on_term };
	struct pollfd pfd;
	ssize_t n;

	sigaction(SIGTERM, &sa, NULL);	/* no SA_RESTART: poll() returns */
	/* Before the first segment, so that every one is stamped. */
	if (setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
		die("SO_TIMESTAMPNS");
	c = accept(s, NULL, NULL);
	if (c < 0)
		die("accept");
	if (setsockopt(c, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
		die("SO_TIMESTAMPNS");
	pfd.fd = c;
	pfd.events = POLLIN;
	while (!stop) {
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			die("poll");
		if (first >= 0) {
			for (; shown < (realtime_ns() - first) / 1000000000LL; shown++)
				printf("second=%d\n", shown);
			fflush(stdout);
		}
		if (stop || !(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv_stamped(c, buf, sizeof(buf), &when);
		if (n <= 0)
			break;
		if (first < 0)
			first = when;
		else if (when - last > gap)
			gap = when - last;
		last = when;
		i = (when - first) / 1000000000LL;
		if (i >= 0 && i < MAX_SECONDS)
			bytes[i] += n;
	}
	when = realtime_ns();
	if (first >= 0 && when - last > gap)
		gap = when - last;	/* the silence at the end counts */
	seconds = first < 0 ? 0 : (when - first) / 1000000000LL;
	if (seconds > MAX_SECONDS)
		seconds = MAX_SECONDS;
	for (i = 0; i < seconds; i++)
		if (min < 0 || bytes[i] < min)
			min = bytes[i];
	printf("seconds=%d min=%lld gap_ms=%lld\n", seconds, min < 0 ? 0 : min,
	       gap / 1000000);
	return seconds > 0 ? 0 : 1;
}

static void __attribute__((noreturn)) client(struct sockaddr_storage *ss, socklen_t len)
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
		client(&ss, len);
	fprintf(stderr, "tcpstream: server or client\n");
	return 2;
}
