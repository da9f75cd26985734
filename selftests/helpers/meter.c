// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's instruction meter. In QEMU's icount mode (run.sh,
 * FLOWSESS_VM_ICOUNT=1) the guest's clock advances one nanosecond per
 * instruction while the vCPU works, and jumps to the next timer while it
 * idles. Two ways to count the instructions of a piece of work:
 *
 *   meter now          CLOCK_MONOTONIC, in ns
 *   meter idle         the ns the CPU spent idle since boot (the tick's
 *                      own count, /proc/timer_list): elapsed - idle is
 *                      what the CPU executed
 *   meter spin         loop at SCHED_IDLE until SIGTERM, then print
 *                      "loops=N" ("ready" on stderr once SIGTERM is
 *                      handled): always runnable, it takes every idle
 *                      moment, so elapsed - N * (ns per loop) is the work
 *                      of everything else; for work that keeps many
 *                      hrtimers queued, which make /proc/timer_list slow
 *   meter drain FILE S read the number in FILE once a second until it is
 *                      0; fails after S seconds
 */
#define _GNU_SOURCE	/* SCHED_IDLE */
#include <sched.h>
#include <signal.h>

#include "common.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* cpu0's idle_sleeptime + iowait_sleeptime: the bench VM has one CPU. */
static int print_idle(void)
{
	FILE *f = fopen("/proc/timer_list", "r");
	long long v, sum = 0;
	char line[256];
	int found = 0;

	if (!f)
		die("/proc/timer_list");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "  .idle_sleeptime : %lld nsecs", &v) == 1 ||
		    sscanf(line, "  .iowait_sleeptime: %lld nsecs", &v) == 1) {
			sum += v;
			found++;
		}
	}
	fclose(f);
	if (found != 2) {
		fprintf(stderr, "meter: no idle times of one CPU in /proc/timer_list\n");
		return 1;
	}
	printf("%lld\n", sum);
	return 0;
}

static int spin(void)
{
	struct sched_param param = { 0 };
	unsigned long long loops = 0;

	/* Before SCHED_IDLE: busy work could starve it for long. */
	signal(SIGTERM, on_term);
	fprintf(stderr, "ready\n");
	if (sched_setscheduler(0, SCHED_IDLE, &param))
		die("SCHED_IDLE");
	while (!stop)
		loops++;
	printf("loops=%llu\n", loops);
	return 0;
}

static int drain(const char *path, int seconds)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	for (; seconds >= 0; seconds--) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			die(path);
		buf[n] = 0;
		if (atoll(buf) == 0)
			return 0;
		if (seconds)
			sleep(1);
	}
	fprintf(stderr, "meter: %s is still %s", path, buf);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%lld\n", now_ns());
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "idle"))
		return print_idle();
	if (argc == 2 && !strcmp(argv[1], "spin"))
		return spin();
	if (argc == 4 && !strcmp(argv[1], "drain"))
		return drain(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: meter now | idle | spin | drain FILE SECONDS\n");
	return 2;
}
