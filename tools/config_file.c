// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration files, for flowsess save and flowsess load: the text that
 * `flowsess show` prints. One knob per line, its name and value as `set`
 * takes them; blank lines and everything after a '#' are ignored:
 *
 *	# the router's policy
 *	rst-invalidate-session   on
 *	time-wait-state          session-timeout 30s
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "tool.h"

#define MAX_WORDS	8

void fs_config_save(FILE *out, const struct fs_config *cfg)
{
	fprintf(out, "# flowsess configuration, written by flowsess save\n"
		     "# apply with: flowsess load FILE\n");
	fs_config_print(out, cfg, false);
}

/* The words of @line, cut in place; -1 if there are too many. */
static int split(char *line, char *words[MAX_WORDS])
{
	char *hash = strchr(line, '#'), *w;
	int n = 0;

	if (hash)
		*hash = 0;
	for (w = strtok(line, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
		if (n == MAX_WORDS)
			return -1;
		words[n++] = w;
	}
	return n;
}

/*
 * One line's knob into @one; on error, the first line of set's message,
 * after the file's name and line number.
 */
static int parse_line(int n, char **words, struct fs_config *one,
		      const char *name, unsigned int lineno, FILE *err)
{
	char msg[256] = "", *nl;
	const char *why = msg;
	FILE *f = fmemopen(msg, sizeof(msg) - 1, "w");
	int ret;

	if (!f)
		return -1;
	ret = fs_config_parse_args(n, words, one, f);
	fclose(f);
	if (!ret)
		return 0;
	nl = strchr(msg, '\n');
	if (nl)
		*nl = 0;
	if (!strncmp(why, "flowsess: ", 10))
		why += 10;
	fprintf(err, "flowsess: %s:%u: %s\n", name, lineno, why);
	return -1;
}

/*
 * Read a configuration from @in (called @name in messages) into @file.
 * Nothing is applied here: the caller sends every knob in one request,
 * which the kernel takes whole or not at all. Returns 0, or -1 after a
 * message naming the line on @err.
 */
int fs_config_load(FILE *in, const char *name, struct fs_config_file *file,
		   FILE *err)
{
	char buf[512], *words[MAX_WORDS];
	struct fs_config one;
	unsigned int lineno = 0, a;
	int n;

	memset(file, 0, sizeof(*file));
	while (fgets(buf, sizeof(buf), in)) {
		lineno++;
		if (!strchr(buf, '\n') && !feof(in)) {
			fprintf(err, "flowsess: %s:%u: line too long\n", name, lineno);
			return -1;
		}
		n = split(buf, words);
		if (!n)
			continue;
		if (n < 0) {
			fprintf(err, "flowsess: %s:%u: too many words for one knob\n",
				name, lineno);
			return -1;
		}
		if (parse_line(n, words, &one, name, lineno, err))
			return -1;
		for (a = 1; a < __FLOWSESS_CFG_MAX; a++) {
			if (!one.present[a])
				continue;
			if (file->cfg.present[a]) {
				fprintf(err, "flowsess: %s:%u: %s was set on line %u already\n",
					name, lineno, words[0], file->line[a]);
				return -1;
			}
			file->cfg.present[a] = true;
			file->cfg.val[a] = one.val[a];
			file->line[a] = lineno;
		}
	}
	if (ferror(in)) {
		fprintf(err, "flowsess: %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Which knob of a SET_CONFIG request @nlh the kernel blamed, from the
 * offset of the attribute in its extended ACK; -1 if none of them.
 */
int fs_config_attr_at(const struct nlmsghdr *nlh, uint32_t offset)
{
	const struct nlattr *attr, *knob;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != FLOWSESS_A_CONFIG)
			continue;
		mnl_attr_for_each_nested(knob, attr) {
			if ((const char *)knob - (const char *)nlh == (long)offset)
				return mnl_attr_get_type(knob);
		}
	}
	return -1;
}
