// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID COMMAND...: run COMMAND as UID (and GID UID) with no
 * supplementary groups and, as for any non-root user, no capabilities.
 */
#define _GNU_SOURCE	/* setresuid() */
#include <grp.h>

#include "common.h"

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID COMMAND...\n");
		return 2;
	}
	uid = atoi(argv[1]);
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		die("runas");
	execvp(argv[2], argv + 2);
	die(argv[2]);
	return 2;
}
