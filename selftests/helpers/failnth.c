// SPDX-License-Identifier: GPL-2.0
/*
 * Load a module with the N-th kernel allocation of the load failing
 * (/proc/thread-self/fail-nth, on the debug kernel): run with N = 1, 2, ...
 * until the fault goes unused, every error path of the module's init, and of
 * its setup of each namespace, runs once.
 *
 *   failnth N MODULE.ko [PARAMS]
 *
 * Prints "errno=NAME fault=used|unused" (errno=0: the module loaded).
 */
#define _GNU_SOURCE	/* strerrorname_np() */
#include <sys/stat.h>
#include <sys/syscall.h>

#include "common.h"

int main(int argc, char **argv)
{
	struct stat st;
	void *image;
	int fd, fault, err = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: failnth N MODULE.ko [PARAMS]\n");
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die(argv[2]);
	image = malloc(st.st_size);
	if (!image || read(fd, image, st.st_size) != st.st_size)
		die(argv[2]);
	close(fd);

	fault = fail_nth_arm(strtoul(argv[1], NULL, 10));
	if (syscall(SYS_init_module, image, (unsigned long)st.st_size,
		    argc > 3 ? argv[3] : ""))
		err = errno;
	printf("errno=%s fault=%s\n", err ? strerrorname_np(err) : "0",
	       fail_nth_used(fault) ? "used" : "unused");
	return 0;
}
