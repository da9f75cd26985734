/* SPDX-License-Identifier: GPL-2.0 */
/* TAP output and capturing printed text, for the host tests. */
#ifndef FLOWSESS_TESTS_TAP_H
#define FLOWSESS_TESTS_TAP_H

#include <stdbool.h>
#include <stdio.h>

static int tests_run, tests_failed;

static void check(bool ok, const char *name)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests_run, name);
}

/* What print(f, arg, json) writes, as a string (valid until the next call). */
#define CAPTURE(print, arg, json) ({					\
	static char _out[4096];						\
	FILE *_f = fmemopen(_out, sizeof(_out), "w");			\
	print(_f, arg, json);						\
	fclose(_f);							\
	_out;								\
})

#endif
