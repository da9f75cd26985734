// SPDX-License-Identifier: GPL-2.0
/*
 * -p: JSON indented as it is written. Every printer writes compact JSON to
 * stdout; with -p, stdout is this stream, which re-indents it on its way
 * to the real one, a character at a time, so streamed output stays
 * streamed. A line that does not start JSON (text: stats -o prometheus,
 * save) goes through as it is.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "tool.h"

struct pretty {
	FILE *out;
	unsigned int depth;
	bool in_string, escaped;
	bool opened;		/* a { or [ just opened: a newline is due */
	bool text;		/* a line of text, not JSON: as it is */
	bool line_start;
};

static void newline(struct pretty *p)
{
	unsigned int i;

	fputc('\n', p->out);
	for (i = 0; i < p->depth; i++)
		fputs("    ", p->out);
}

static void pretty_char(struct pretty *p, char c)
{
	if (p->line_start && !p->depth)
		p->text = c != '{' && c != '[';
	p->line_start = c == '\n' && !p->depth;
	if (p->text) {
		fputc(c, p->out);
		return;
	}
	if (p->opened && c != '}' && c != ']') {
		newline(p);
		p->opened = false;
	}
	if (p->in_string) {
		fputc(c, p->out);
		if (p->escaped)
			p->escaped = false;
		else if (c == '\\')
			p->escaped = true;
		else if (c == '"')
			p->in_string = false;
		return;
	}
	switch (c) {
	case '"':
		p->in_string = true;
		fputc(c, p->out);
		break;
	case '{':
	case '[':
		fputc(c, p->out);
		p->depth++;
		p->opened = true;
		break;
	case '}':
	case ']':
		if (p->depth)
			p->depth--;
		if (!p->opened)
			newline(p);
		p->opened = false;
		fputc(c, p->out);
		break;
	case ',':
		fputc(c, p->out);
		newline(p);
		break;
	case ':':
		fputs(": ", p->out);
		break;
	case '\n':
		if (!p->depth)
			fputc(c, p->out);
		break;
	default:
		fputc(c, p->out);
	}
}

static ssize_t pretty_write(void *cookie, const char *buf, size_t len)
{
	struct pretty *p = cookie;
	size_t i;

	for (i = 0; i < len; i++)
		pretty_char(p, buf[i]);
	return fflush(p->out) ? -1 : (ssize_t)len;
}

static int pretty_close(void *cookie)
{
	struct pretty *p = cookie;
	int err = fflush(p->out);

	free(p);
	return err;
}

/* A stream that writes what it is given to @out, pretty; NULL: no memory. */
FILE *fs_json_pretty(FILE *out)
{
	static const cookie_io_functions_t io = {
		.write = pretty_write,
		.close = pretty_close,
	};
	struct pretty *p = calloc(1, sizeof(*p));
	FILE *f;

	if (!p)
		return NULL;
	p->out = out;
	p->line_start = true;
	f = fopencookie(p, "w", io);
	if (!f)
		free(p);
	return f;
}
