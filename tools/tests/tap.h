/* SPDX-License-Identifier: GPL-2.0 */
/* TAP output and capturing printed text, for the host tests. */
#ifndef FLOWSESS_TESTS_TAP_H
#define FLOWSESS_TESTS_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tests_run, tests_failed;

static inline void check(bool ok, const char *name)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests_run, name);
}

/* Words of @line into @argv (pointing into @copy); returns their number. */
static inline int split_words(const char *line, char copy[256], char *argv[16])
{
	int argc = 0;

	snprintf(copy, 256, "%s", line);
	for (char *t = strtok(copy, " "); t && argc < 16; t = strtok(NULL, " "))
		argv[argc++] = t;
	return argc;
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
